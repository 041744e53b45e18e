#include "VideoCodec.h"

#include <stdlib.h>
#include <string.h>

static int is_planar(int32_t format)
{
	return format == VC_FORMAT_I420 || format == VC_FORMAT_YV12 || format == VC_FORMAT_NV12;
}

static int32_t min_stride(int32_t format, int32_t width)
{
	switch (format) {
	case VC_FORMAT_BGRX: case VC_FORMAT_RGBX: case VC_FORMAT_XRGB: case VC_FORMAT_XBGR: return width * 4;
	case VC_FORMAT_RGB: case VC_FORMAT_BGR: return width * 3;
	case VC_FORMAT_YUY2: case VC_FORMAT_UYVY: return ((width + 1) / 2) * 4;
	case VC_FORMAT_I420: case VC_FORMAT_YV12: case VC_FORMAT_NV12: case VC_FORMAT_GRAY: return width;
	default: return 0;
	}
}

int vc_image_layout(struct vc_image *image, const uint8_t *data, size_t size, int32_t format,
                    int32_t width, int32_t height, int32_t stride)
{
	int32_t tight = min_stride(format, width);
	if (image == NULL || data == NULL || width <= 0 || height <= 0 || tight == 0)
		return -1;
	if (stride <= 0)
		stride = tight;
	if (stride < tight)
		return -1;
	memset(image, 0, sizeof(*image));
	image->width = width;
	image->height = height;
	image->format = format;
	image->planes[0] = data;
	image->strides[0] = stride;
	size_t needed = (size_t)stride * (size_t)height;
	if (is_planar(format)) {
		size_t chroma_height = (size_t)(height + 1) / 2;
		if (format == VC_FORMAT_NV12) {
			image->planes[1] = data + needed;
			image->strides[1] = stride;
			needed += (size_t)stride * chroma_height;
		} else {
			int32_t chroma_stride = (stride + 1) / 2;
			size_t plane = (size_t)chroma_stride * chroma_height;
			image->planes[1] = data + needed;
			image->planes[2] = data + needed + plane;
			image->strides[1] = image->strides[2] = chroma_stride;
			needed += 2 * plane;
		}
	}
	return needed <= size ? 0 : -1;
}

void vc_fit(int32_t width, int32_t height, int32_t max_side, int32_t *out_width, int32_t *out_height)
{
	int32_t w = width > 0 ? width : 1, h = height > 0 ? height : 1;
	int32_t longest = w > h ? w : h;
	if (max_side > 0 && longest > max_side) {
		if (w >= h) {
			h = (int32_t)(((int64_t)h * max_side + w / 2) / w);
			w = max_side;
		} else {
			w = (int32_t)(((int64_t)w * max_side + h / 2) / h);
			h = max_side;
		}
	}
	*out_width = w > 0 ? w : 1;
	*out_height = h > 0 ? h : 1;
}

static inline uint8_t clamp8(int v) { return (uint8_t)(v < 0 ? 0 : (v > 255 ? 255 : v)); }

/// BT.601, limited range (what cameras and most YUV producers send).
static inline void yuv_to_rgb(int y, int u, int v, uint8_t *out)
{
	int c = 298 * (y - 16), d = u - 128, e = v - 128;
	out[0] = clamp8((c + 409 * e + 128) >> 8);
	out[1] = clamp8((c - 100 * d - 208 * e + 128) >> 8);
	out[2] = clamp8((c + 516 * d + 128) >> 8);
}

/// Converts source row `y` of `src` into packed RGB `row` (width * 3 bytes).
static void convert_row(const struct vc_image *src, int32_t y, uint8_t *row)
{
	const int32_t w = src->width;
	const uint8_t *p = src->planes[0] + (size_t)y * (size_t)src->strides[0];
	int r = 0, g = 1, b = 2, step = 4;
	switch (src->format) {
	case VC_FORMAT_BGRX: r = 2; g = 1; b = 0; break;
	case VC_FORMAT_RGBX: break;
	case VC_FORMAT_XRGB: r = 1; g = 2; b = 3; break;
	case VC_FORMAT_XBGR: r = 3; g = 2; b = 1; break;
	case VC_FORMAT_RGB: step = 3; break;
	case VC_FORMAT_BGR: r = 2; g = 1; b = 0; step = 3; break;
	case VC_FORMAT_GRAY:
		for (int32_t x = 0; x < w; x++)
			row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = p[x];
		return;
	case VC_FORMAT_YUY2: case VC_FORMAT_UYVY: {
		int yo = src->format == VC_FORMAT_YUY2 ? 0 : 1, uo = src->format == VC_FORMAT_YUY2 ? 1 : 0;
		for (int32_t x = 0; x < w; x++) {
			const uint8_t *pair = p + (x / 2) * 4;
			yuv_to_rgb(pair[yo + 2 * (x & 1)], pair[uo], pair[uo + 2], row + 3 * x);
		}
		return;
	}
	case VC_FORMAT_I420: case VC_FORMAT_YV12: case VC_FORMAT_NV12: {
		const uint8_t *c1 = src->planes[1] + (size_t)(y / 2) * (size_t)src->strides[1];
		if (src->format == VC_FORMAT_NV12) {
			for (int32_t x = 0; x < w; x++)
				yuv_to_rgb(p[x], c1[(x / 2) * 2], c1[(x / 2) * 2 + 1], row + 3 * x);
		} else {
			const uint8_t *c2 = src->planes[2] + (size_t)(y / 2) * (size_t)src->strides[2];
			const uint8_t *u = src->format == VC_FORMAT_I420 ? c1 : c2;
			const uint8_t *v = src->format == VC_FORMAT_I420 ? c2 : c1;
			for (int32_t x = 0; x < w; x++)
				yuv_to_rgb(p[x], u[x / 2], v[x / 2], row + 3 * x);
		}
		return;
	}
	default:
		memset(row, 0, (size_t)w * 3);
		return;
	}
	for (int32_t x = 0; x < w; x++, p += step) {
		row[3 * x] = p[r];
		row[3 * x + 1] = p[g];
		row[3 * x + 2] = p[b];
	}
}

int vc_to_rgb(const struct vc_image *src, uint8_t *dst, int32_t dst_width, int32_t dst_height)
{
	if (src == NULL || dst == NULL || src->width <= 0 || src->height <= 0 || dst_width <= 0 || dst_height <= 0
	    || src->planes[0] == NULL || min_stride(src->format, src->width) == 0
	    || src->strides[0] < min_stride(src->format, src->width))
		return -1;
	if (is_planar(src->format) && (src->planes[1] == NULL || (src->format != VC_FORMAT_NV12 && src->planes[2] == NULL)))
		return -1;
	const int32_t w = src->width, h = src->height;
	uint8_t *row = malloc((size_t)w * 3);
	uint32_t *sums = calloc((size_t)dst_width * 3, sizeof(uint32_t));
	int32_t *x0 = malloc(sizeof(int32_t) * (size_t)(dst_width + 1));
	if (row == NULL || sums == NULL || x0 == NULL) {
		free(row); free(sums); free(x0);
		return -2;
	}
	for (int32_t dx = 0; dx <= dst_width; dx++)
		x0[dx] = (int32_t)(((int64_t)dx * w) / dst_width);
	for (int32_t dy = 0; dy < dst_height; dy++) {
		int32_t y0 = (int32_t)(((int64_t)dy * h) / dst_height);
		int32_t y1 = (int32_t)(((int64_t)(dy + 1) * h) / dst_height);
		if (y1 <= y0) y1 = y0 + 1;
		if (y1 > h) y1 = h;
		memset(sums, 0, (size_t)dst_width * 3 * sizeof(uint32_t));
		for (int32_t y = y0; y < y1; y++) {
			convert_row(src, y, row);
			for (int32_t dx = 0; dx < dst_width; dx++) {
				int32_t a = x0[dx], e = x0[dx + 1];
				if (e <= a) e = a + 1;
				if (e > w) e = w;
				uint32_t sr = 0, sg = 0, sb = 0;
				for (const uint8_t *q = row + 3 * a, *end = row + 3 * e; q < end; q += 3) {
					sr += q[0]; sg += q[1]; sb += q[2];
				}
				sums[3 * dx] += sr; sums[3 * dx + 1] += sg; sums[3 * dx + 2] += sb;
			}
		}
		uint8_t *out = dst + (size_t)dy * (size_t)dst_width * 3;
		for (int32_t dx = 0; dx < dst_width; dx++) {
			int32_t a = x0[dx], e = x0[dx + 1];
			if (e <= a) e = a + 1;
			if (e > w) e = w;
			uint32_t n = (uint32_t)(e - a) * (uint32_t)(y1 - y0);
			out[3 * dx] = (uint8_t)((sums[3 * dx] + n / 2) / n);
			out[3 * dx + 1] = (uint8_t)((sums[3 * dx + 1] + n / 2) / n);
			out[3 * dx + 2] = (uint8_t)((sums[3 * dx + 2] + n / 2) / n);
		}
	}
	free(row); free(sums); free(x0);
	return 0;
}

void vc_free(void *buffer) { free(buffer); }
