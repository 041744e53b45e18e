#include "VideoCodec.h"

#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

int vc_jpeg_encode(const uint8_t *rgb, int32_t width, int32_t height, int32_t quality,
                   uint8_t **out, size_t *out_size, const char **error)
{
	*out = NULL;
	*out_size = 0;
	if (rgb == NULL || width <= 0 || height <= 0) {
		*error = "no image to encode";
		return -1;
	}
	tjhandle handle = tjInitCompress();
	if (handle == NULL) {
		*error = "tjInitCompress failed";
		return -1;
	}
	unsigned char *buffer = NULL;
	unsigned long size = 0;
	int q = quality < 1 ? 1 : (quality > 100 ? 100 : quality);
	int result = tjCompress2(handle, rgb, width, 0, height, TJPF_RGB, &buffer, &size, TJSAMP_420, q, TJFLAG_FASTDCT);
	if (result != 0) {
		*error = "tjCompress2 failed";
		tjFree(buffer);
		tjDestroy(handle);
		return -1;
	}
	tjDestroy(handle);
	*out = malloc(size);
	if (*out == NULL) {
		tjFree(buffer);
		*error = "out of memory";
		return -1;
	}
	memcpy(*out, buffer, size);
	*out_size = size;
	tjFree(buffer);
	return 0;
}

static int read_header(tjhandle handle, const uint8_t *data, size_t size, int32_t *width, int32_t *height,
                       const char **error)
{
	int w = 0, h = 0, subsampling = 0, colorspace = 0;
	if (tjDecompressHeader3(handle, data, (unsigned long)size, &w, &h, &subsampling, &colorspace) != 0) {
		*error = "not a readable JPEG (its header is damaged)";
		return -1;
	}
	if (w <= 0 || h <= 0) {
		*error = "not a readable JPEG (no picture size in its header)";
		return -1;
	}
	*width = w;
	*height = h;
	return 0;
}

int vc_jpeg_size(const uint8_t *data, size_t size, int32_t *width, int32_t *height, const char **error)
{
	tjhandle handle = tjInitDecompress();
	if (handle == NULL) {
		*error = "tjInitDecompress failed";
		return -1;
	}
	int result = read_header(handle, data, size, width, height, error);
	tjDestroy(handle);
	return result;
}

int vc_jpeg_decode(const uint8_t *data, size_t size, size_t max_pixels, uint8_t **rgb, int32_t *width,
                   int32_t *height, const char **error)
{
	*rgb = NULL;
	tjhandle handle = tjInitDecompress();
	if (handle == NULL) {
		*error = "tjInitDecompress failed";
		return -1;
	}
	if (read_header(handle, data, size, width, height, error) != 0) {
		tjDestroy(handle);
		return -1;
	}
	if (*width <= 0 || *height <= 0 || (size_t)*width * (size_t)*height > max_pixels) {
		*error = "the JPEG is larger than the pixel limit";
		tjDestroy(handle);
		return -1;
	}
	uint8_t *pixels = malloc((size_t)*width * (size_t)*height * 3);
	if (pixels == NULL) {
		*error = "out of memory";
		tjDestroy(handle);
		return -1;
	}
	if (tjDecompress2(handle, data, (unsigned long)size, pixels, *width, 0, *height, TJPF_RGB, 0) != 0) {
		*error = "the JPEG data is damaged";
		free(pixels);
		tjDestroy(handle);
		return -1;
	}
	tjDestroy(handle);
	*rgb = pixels;
	return 0;
}
