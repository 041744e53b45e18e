// Video frames to JPEG and images back to pixels: pixel-format conversion, area scaling,
// libjpeg-turbo encoding and decoding, and a PNG decoder (zlib). Pure functions on caller
// memory; none of them touches PipeWire, and none is meant for a realtime thread.
#pragma once
#include <stdint.h>
#include <stddef.h>

/// The pixel layouts vc_to_rgb reads (packed formats in byte order, as PipeWire names them).
enum vc_pixel_format {
	VC_FORMAT_BGRX = 1, ///< B G R x (also BGRA: alpha ignored)
	VC_FORMAT_RGBX,     ///< R G B x (also RGBA)
	VC_FORMAT_XRGB,     ///< x R G B (also ARGB)
	VC_FORMAT_XBGR,     ///< x B G R (also ABGR)
	VC_FORMAT_RGB,      ///< R G B, 3 bytes a pixel
	VC_FORMAT_BGR,      ///< B G R, 3 bytes a pixel
	VC_FORMAT_YUY2,     ///< Y0 U Y1 V, 4:2:2 packed
	VC_FORMAT_UYVY,     ///< U Y0 V Y1, 4:2:2 packed
	VC_FORMAT_I420,     ///< planar Y, U, V, 4:2:0
	VC_FORMAT_YV12,     ///< planar Y, V, U, 4:2:0
	VC_FORMAT_NV12,     ///< planar Y, interleaved UV, 4:2:0
	VC_FORMAT_GRAY,     ///< 8-bit luma only
};

/// One frame in caller memory: up to three planes with their strides (bytes per row).
struct vc_image {
	const uint8_t *planes[3];
	int32_t strides[3];
	int32_t width;
	int32_t height;
	int32_t format; ///< an enum vc_pixel_format
};

/// Fills `image` for a frame stored contiguously at `data` with `stride` bytes per row of the
/// first plane (0: the tightest stride) and the chroma planes following it, as PipeWire and
/// most producers lay out planar formats. Returns 0, or -1 when `size` is too small.
int vc_image_layout(struct vc_image *image, const uint8_t *data, size_t size, int32_t format,
                    int32_t width, int32_t height, int32_t stride);

/// The size that fits `width` x `height` into `max_side` on its long side, keeping the aspect
/// ratio (never enlarging; both at least 1).
void vc_fit(int32_t width, int32_t height, int32_t max_side, int32_t *out_width, int32_t *out_height);

/// Converts `src` to packed RGB (3 bytes a pixel, `dst_width` * 3 bytes a row) scaled to
/// `dst_width` x `dst_height` by area averaging (each output pixel is the mean of the source
/// pixels it covers). Returns 0, -1 for bad arguments, -2 when out of memory.
int vc_to_rgb(const struct vc_image *src, uint8_t *dst, int32_t dst_width, int32_t dst_height);

/// Encodes packed RGB as a baseline JPEG (4:2:0) at `quality` 1...100. On success returns 0 and
/// sets `*out` (free it with vc_free) and `*out_size`; else -1 and `*error` (static text).
int vc_jpeg_encode(const uint8_t *rgb, int32_t width, int32_t height, int32_t quality,
                   uint8_t **out, size_t *out_size, const char **error);

/// Reads a JPEG's size without decoding it. Returns 0, or -1 with `*error`.
int vc_jpeg_size(const uint8_t *data, size_t size, int32_t *width, int32_t *height, const char **error);

/// Decodes a JPEG to packed RGB, refusing images of more than `max_pixels`. On success returns
/// 0 and sets `*rgb` (free it with vc_free).
int vc_jpeg_decode(const uint8_t *data, size_t size, size_t max_pixels, uint8_t **rgb, int32_t *width,
                   int32_t *height, const char **error);

/// Reads a PNG's size from its IHDR chunk. Returns 0, or -1 with `*error`.
int vc_png_size(const uint8_t *data, size_t size, int32_t *width, int32_t *height, const char **error);

/// Decodes a non-interlaced 8-bit PNG (gray, gray+alpha, RGB, RGBA or palette; alpha is
/// dropped) to packed RGB, refusing images of more than `max_pixels`. On success returns 0
/// and sets `*rgb` (free it with vc_free).
int vc_png_decode(const uint8_t *data, size_t size, size_t max_pixels, uint8_t **rgb, int32_t *width,
                  int32_t *height, const char **error);

/// Frees a buffer returned by this module.
void vc_free(void *buffer);
