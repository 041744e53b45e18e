// libpipewire-0.3 and the SPA headers AudioNodes uses, as one system module.
#pragma once
#include <pipewire/pipewire.h>
#include <spa/param/audio/format-utils.h>
#include <spa/param/video/raw.h>
#include <spa/utils/result.h>
