// libjpeg-turbo's TurboJPEG API (libturbojpeg0-dev), as one system module.
#pragma once
#include <turbojpeg.h>
