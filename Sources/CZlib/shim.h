// zlib (zlib1g-dev), for inflating PNG image data.
#pragma once
#include <zlib.h>
