#include "VideoCodec.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

struct header {
	uint32_t width, height;
	uint8_t depth, color, interlace;
};

static int read_ihdr(const uint8_t *data, size_t size, struct header *h, const char **error)
{
	if (size < 33 || memcmp(data, signature, 8) != 0) {
		*error = "not a PNG (no PNG signature)";
		return -1;
	}
	if (be32(data + 8) != 13 || memcmp(data + 12, "IHDR", 4) != 0) {
		*error = "damaged PNG (the first chunk is not IHDR)";
		return -1;
	}
	h->width = be32(data + 16);
	h->height = be32(data + 20);
	h->depth = data[24];
	h->color = data[25];
	h->interlace = data[28];
	if (h->width == 0 || h->height == 0 || h->width > 0x7fffffff || h->height > 0x7fffffff) {
		*error = "damaged PNG (zero or huge size)";
		return -1;
	}
	return 0;
}

int vc_png_size(const uint8_t *data, size_t size, int32_t *width, int32_t *height, const char **error)
{
	struct header h;
	if (read_ihdr(data, size, &h, error) != 0)
		return -1;
	*width = (int32_t)h.width;
	*height = (int32_t)h.height;
	return 0;
}

static int channels_of(uint8_t color)
{
	switch (color) {
	case 0: return 1; // gray
	case 2: return 3; // RGB
	case 3: return 1; // palette index
	case 4: return 2; // gray + alpha
	case 6: return 4; // RGBA
	default: return 0;
	}
}

static uint8_t paeth(uint8_t a, uint8_t b, uint8_t c)
{
	int p = (int)a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
	return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c);
}

int vc_png_decode(const uint8_t *data, size_t size, size_t max_pixels, uint8_t **rgb, int32_t *width,
                  int32_t *height, const char **error)
{
	*rgb = NULL;
	struct header h;
	if (read_ihdr(data, size, &h, error) != 0)
		return -1;
	int channels = channels_of(h.color);
	if (channels == 0 || (h.depth != 8 && h.depth != 16) || (h.color == 3 && h.depth != 8)) {
		*error = "unsupported PNG (only 8- or 16-bit gray, RGB, RGBA and 8-bit palette images)";
		return -1;
	}
	if (h.interlace != 0) {
		*error = "unsupported PNG (interlaced)";
		return -1;
	}
	if ((size_t)h.width * h.height > max_pixels) {
		*error = "the PNG is larger than the pixel limit";
		return -1;
	}
	size_t bpp = (size_t)channels * (h.depth / 8);
	size_t row_bytes = (size_t)h.width * bpp;
	size_t raw_size = (size_t)h.height * (row_bytes + 1);
	uint8_t *raw = malloc(raw_size);
	uint8_t *out = malloc((size_t)h.width * h.height * 3);
	uint8_t palette[256 * 3];
	size_t palette_entries = 0;
	if (raw == NULL || out == NULL) {
		free(raw); free(out);
		*error = "out of memory";
		return -1;
	}
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK) {
		free(raw); free(out);
		*error = "zlib inflateInit failed";
		return -1;
	}
	z.next_out = raw;
	z.avail_out = (uInt)raw_size;
	int finished = 0;
	size_t at = 8;
	*error = NULL;
	while (at + 12 <= size && *error == NULL) {
		uint32_t length = be32(data + at);
		const uint8_t *type = data + at + 4;
		if (length > size - at - 12) {
			*error = "damaged PNG (a chunk runs past the end)";
			break;
		}
		const uint8_t *body = data + at + 8;
		uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), type, length + 4);
		if (crc != be32(body + length)) {
			*error = "damaged PNG (a chunk's CRC does not match)";
			break;
		}
		if (memcmp(type, "PLTE", 4) == 0) {
			palette_entries = length / 3 > 256 ? 256 : length / 3;
			memcpy(palette, body, palette_entries * 3);
		} else if (memcmp(type, "IDAT", 4) == 0 && !finished) {
			z.next_in = (Bytef *)body;
			z.avail_in = length;
			while (z.avail_in > 0) {
				int r = inflate(&z, Z_NO_FLUSH);
				if (r == Z_STREAM_END) {
					finished = 1;
					break;
				}
				if (r != Z_OK) {
					*error = "damaged PNG (its image data does not inflate)";
					break;
				}
				if (z.avail_out == 0 && z.avail_in > 0) {
					*error = "damaged PNG (more image data than its size)";
					break;
				}
			}
		} else if (memcmp(type, "IEND", 4) == 0) {
			break;
		}
		at += 12 + (size_t)length;
	}
	inflateEnd(&z);
	if (*error == NULL && (z.total_out != raw_size))
		*error = "damaged PNG (less image data than its size)";
	if (*error == NULL && h.color == 3 && palette_entries == 0)
		*error = "damaged PNG (a palette image without PLTE)";
	if (*error != NULL) {
		free(raw); free(out);
		return -1;
	}
	for (uint32_t y = 0; y < h.height; y++) {
		uint8_t *line = raw + (size_t)y * (row_bytes + 1);
		uint8_t filter = line[0];
		uint8_t *cur = line + 1;
		const uint8_t *prev = y > 0 ? raw + (size_t)(y - 1) * (row_bytes + 1) + 1 : NULL;
		for (size_t i = 0; i < row_bytes; i++) {
			uint8_t a = i >= bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0, c = (prev && i >= bpp) ? prev[i - bpp] : 0;
			switch (filter) {
			case 0: break;
			case 1: cur[i] = (uint8_t)(cur[i] + a); break;
			case 2: cur[i] = (uint8_t)(cur[i] + b); break;
			case 3: cur[i] = (uint8_t)(cur[i] + ((a + b) >> 1)); break;
			case 4: cur[i] = (uint8_t)(cur[i] + paeth(a, b, c)); break;
			default:
				free(raw); free(out);
				*error = "damaged PNG (unknown row filter)";
				return -1;
			}
		}
		uint8_t *o = out + (size_t)y * h.width * 3;
		size_t step = h.depth / 8; // the high byte of a 16-bit sample comes first
		for (uint32_t x = 0; x < h.width; x++) {
			const uint8_t *px = cur + (size_t)x * bpp;
			switch (h.color) {
			case 0: case 4: o[3 * x] = o[3 * x + 1] = o[3 * x + 2] = px[0]; break;
			case 2: case 6: o[3 * x] = px[0]; o[3 * x + 1] = px[step]; o[3 * x + 2] = px[2 * step]; break;
			case 3: {
				size_t index = px[0] < palette_entries ? px[0] : 0;
				memcpy(o + 3 * x, palette + 3 * index, 3);
				break;
			}
			}
		}
	}
	free(raw);
	*rgb = out;
	*width = (int32_t)h.width;
	*height = (int32_t)h.height;
	return 0;
}
