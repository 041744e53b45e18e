/* video_encode: the gateway's per-frame work on one core, without PipeWire: a 1280x720 BGRx
   frame converted and scaled to 768x432 (area averaging) and JPEG-encoded at quality 75 with
   Sources/VideoCodec, for flat, UI-like and noisy pictures. Prints milliseconds a frame and bytes a frame.
   cc -O2 -ISources/VideoCodec/include scripts/bench/video_encode.c Sources/VideoCodec/*.c -lturbojpeg -lz -o /tmp/video_encode */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "VideoCodec.h"

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(void)
{
	const int w = 1280, h = 720, rounds = 50;
	const char *names[3] = { "flat", "ui-like", "noise" };
	uint8_t *frame = malloc((size_t)w * h * 4), *rgb = malloc(768 * 432 * 3);
	srand(1);
	for (int kind = 0; kind < 3; kind++) {
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				uint8_t *p = frame + ((size_t)y * w + x) * 4;
				if (kind == 0) { p[0] = 200; p[1] = 120; p[2] = 40; }
				else if (kind == 1) { int bar = (x / 160 + y / 90) % 4; p[0] = bar * 60; p[1] = (y % 24 < 2) ? 0 : 230; p[2] = (x % 200 < 3) ? 0 : 240 - bar * 30; }
				else { p[0] = rand(); p[1] = rand(); p[2] = rand(); }
				p[3] = 255;
			}
		struct vc_image image;
		vc_image_layout(&image, frame, (size_t)w * h * 4, VC_FORMAT_BGRX, w, h, 0);
		size_t bytes = 0;
		double start = now();
		for (int i = 0; i < rounds; i++) {
			vc_to_rgb(&image, rgb, 768, 432);
			uint8_t *jpeg; size_t size; const char *error;
			vc_jpeg_encode(rgb, 768, 432, 75, &jpeg, &size, &error);
			bytes = size;
			vc_free(jpeg);
		}
		printf("%-8s %.2f ms a frame, %zu bytes a frame\n", names[kind], (now() - start) * 1000 / rounds, bytes);
	}
	return 0;
}
