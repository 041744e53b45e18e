/* video-test-source: a Video/Source PipeWire node that draws a known picture on its own timer,
   the way a portal backend or a camera drives its stream. The gateway's video tests share it.

   usage: video-test-source [--name NAME] [--size WxH] [--fps N] [--format F]
                            [--color NAME] [--pattern still|changing|split]
     --format   BGRx (default), RGBx, RGB, YUY2, I420 or NV12
     --color    red, green, blue, white, black, yellow (default red)
     --pattern  still: the colour, every frame the same (default)
                changing: the colour and its opposite alternate every frame
                split: the left half the colour, the right half black
   Prints "node-id N" on stdout once PipeWire has given the node an id; exits on SIGTERM/SIGINT. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spa/param/video/format-utils.h>
#include <spa/param/buffers.h>
#include <spa/utils/result.h>
#include <pipewire/pipewire.h>

static struct pw_main_loop *loop;
static struct pw_stream *stream;
static int width = 1280, height = 720, fps = 5, announced;
static uint32_t format = SPA_VIDEO_FORMAT_BGRx;
static uint8_t color[3] = { 255, 0, 0 };
static const char *pattern = "still";
static uint64_t frame;

static int stride_of(void)
{
	switch (format) {
	case SPA_VIDEO_FORMAT_RGB: return width * 3;
	case SPA_VIDEO_FORMAT_YUY2: return ((width + 1) / 2) * 4;
	case SPA_VIDEO_FORMAT_I420: case SPA_VIDEO_FORMAT_NV12: return width;
	default: return width * 4;
	}
}

static size_t size_of(void)
{
	size_t s = (size_t)stride_of() * (size_t)height;
	if (format == SPA_VIDEO_FORMAT_I420)
		s += 2 * (size_t)((stride_of() + 1) / 2) * (size_t)((height + 1) / 2);
	if (format == SPA_VIDEO_FORMAT_NV12)
		s += (size_t)stride_of() * (size_t)((height + 1) / 2);
	return s;
}

static void rgb_at(int x, const uint8_t **rgb)
{
	static const uint8_t black[3] = { 0, 0, 0 };
	static uint8_t opposite[3];
	opposite[0] = 255 - color[0]; opposite[1] = 255 - color[1]; opposite[2] = 255 - color[2];
	if (strcmp(pattern, "changing") == 0)
		*rgb = (frame % 2 == 0) ? color : opposite;
	else if (strcmp(pattern, "split") == 0)
		*rgb = x < width / 2 ? color : black;
	else
		*rgb = color;
}

static void yuv(const uint8_t *c, uint8_t *y, uint8_t *u, uint8_t *v)
{
	*y = (uint8_t)(((66 * c[0] + 129 * c[1] + 25 * c[2] + 128) >> 8) + 16);
	*u = (uint8_t)(((-38 * c[0] - 74 * c[1] + 112 * c[2] + 128) >> 8) + 128);
	*v = (uint8_t)(((112 * c[0] - 94 * c[1] - 18 * c[2] + 128) >> 8) + 128);
}

static void draw(uint8_t *p)
{
	int stride = stride_of();
	const uint8_t *c;
	uint8_t y, u, v;
	for (int row = 0; row < height; row++) {
		uint8_t *line = p + (size_t)row * stride;
		for (int x = 0; x < width; x++) {
			rgb_at(x, &c);
			switch (format) {
			case SPA_VIDEO_FORMAT_BGRx: line[4 * x] = c[2]; line[4 * x + 1] = c[1]; line[4 * x + 2] = c[0]; line[4 * x + 3] = 255; break;
			case SPA_VIDEO_FORMAT_RGBx: line[4 * x] = c[0]; line[4 * x + 1] = c[1]; line[4 * x + 2] = c[2]; line[4 * x + 3] = 255; break;
			case SPA_VIDEO_FORMAT_RGB: line[3 * x] = c[0]; line[3 * x + 1] = c[1]; line[3 * x + 2] = c[2]; break;
			case SPA_VIDEO_FORMAT_YUY2:
				yuv(c, &y, &u, &v);
				line[(x / 2) * 4 + 2 * (x & 1)] = y;
				line[(x / 2) * 4 + 1] = u;
				line[(x / 2) * 4 + 3] = v;
				break;
			default: /* I420, NV12: luma here, chroma below */
				yuv(c, &y, &u, &v);
				line[x] = y;
			}
		}
	}
	if (format == SPA_VIDEO_FORMAT_I420 || format == SPA_VIDEO_FORMAT_NV12) {
		uint8_t *chroma = p + (size_t)stride * height;
		int cw = (width + 1) / 2, ch = (height + 1) / 2;
		int cs = format == SPA_VIDEO_FORMAT_NV12 ? stride : (stride + 1) / 2;
		for (int row = 0; row < ch; row++)
			for (int x = 0; x < cw; x++) {
				rgb_at(2 * x, &c);
				yuv(c, &y, &u, &v);
				if (format == SPA_VIDEO_FORMAT_NV12) {
					chroma[(size_t)row * cs + 2 * x] = u;
					chroma[(size_t)row * cs + 2 * x + 1] = v;
				} else {
					chroma[(size_t)row * cs + x] = u;
					chroma[(size_t)cs * ch + (size_t)row * cs + x] = v;
				}
			}
	}
}

static void on_process(void *data)
{
	struct pw_buffer *b = pw_stream_dequeue_buffer(stream);
	if (b == NULL)
		return;
	struct spa_data *d = &b->buffer->datas[0];
	if (d->data != NULL && d->maxsize >= size_of()) {
		draw(d->data);
		d->chunk->offset = 0;
		d->chunk->size = (uint32_t)size_of();
		d->chunk->stride = stride_of();
		frame++;
	}
	pw_stream_queue_buffer(stream, b);
}

static void on_timer(void *data, uint64_t expirations) { pw_stream_trigger_process(stream); }

static void on_param_changed(void *data, uint32_t id, const struct spa_pod *param)
{
	if (param == NULL || id != SPA_PARAM_Format)
		return;
	/* The Buffers param must come here, after the format: set at connect time the stream
	   negotiates but delivers no frames. */
	uint8_t buffer[256];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
	const struct spa_pod *params[1];
	params[0] = spa_pod_builder_add_object(&b, SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers,
		SPA_PARAM_BUFFERS_buffers, SPA_POD_CHOICE_RANGE_Int(4, 2, 8),
		SPA_PARAM_BUFFERS_blocks, SPA_POD_Int(1),
		SPA_PARAM_BUFFERS_size, SPA_POD_Int((int)size_of()),
		SPA_PARAM_BUFFERS_stride, SPA_POD_Int(stride_of()));
	pw_stream_update_params(stream, params, 1);
}

static void on_state(void *data, enum pw_stream_state old, enum pw_stream_state state, const char *error)
{
	if (state == PW_STREAM_STATE_ERROR) {
		fprintf(stderr, "video-test-source: stream error: %s\n", error ? error : "?");
		pw_main_loop_quit(loop);
	}
	uint32_t id = pw_stream_get_node_id(stream);
	if (!announced && id != SPA_ID_INVALID) {
		announced = 1;
		printf("node-id %u\n", id);
		fflush(stdout);
	}
}

static void on_signal(void *data, int signal_number) { pw_main_loop_quit(loop); }

static const struct pw_stream_events events = {
	PW_VERSION_STREAM_EVENTS,
	.state_changed = on_state,
	.param_changed = on_param_changed,
	.process = on_process,
};

static int parse_color(const char *name)
{
	static const struct { const char *name; uint8_t rgb[3]; } table[] = {
		{ "red", { 255, 0, 0 } }, { "green", { 0, 255, 0 } }, { "blue", { 0, 0, 255 } },
		{ "white", { 255, 255, 255 } }, { "black", { 0, 0, 0 } }, { "yellow", { 255, 255, 0 } },
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(name, table[i].name) == 0) {
			memcpy(color, table[i].rgb, 3);
			return 0;
		}
	return -1;
}

static int parse_format(const char *name)
{
	static const struct { const char *name; uint32_t id; } table[] = {
		{ "BGRx", SPA_VIDEO_FORMAT_BGRx }, { "RGBx", SPA_VIDEO_FORMAT_RGBx }, { "RGB", SPA_VIDEO_FORMAT_RGB },
		{ "YUY2", SPA_VIDEO_FORMAT_YUY2 }, { "I420", SPA_VIDEO_FORMAT_I420 }, { "NV12", SPA_VIDEO_FORMAT_NV12 },
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(name, table[i].name) == 0) {
			format = table[i].id;
			return 0;
		}
	return -1;
}

static int usage(const char *problem)
{
	fprintf(stderr, "video-test-source: %s\nusage: video-test-source [--name NAME] [--size WxH] [--fps N] "
			"[--format BGRx|RGBx|RGB|YUY2|I420|NV12] [--color red|green|blue|white|black|yellow] "
			"[--pattern still|changing|split]\n", problem);
	return 2;
}

int main(int argc, char **argv)
{
	const char *name = "gemini-live-test-video";
	for (int i = 1; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (value == NULL)
			return usage("an option lacks its value");
		if (strcmp(argv[i], "--name") == 0) name = value;
		else if (strcmp(argv[i], "--size") == 0) {
			if (sscanf(value, "%dx%d", &width, &height) != 2 || width < 2 || height < 2 || width > 8192 || height > 8192)
				return usage("--size takes WIDTHxHEIGHT, each 2 to 8192");
		} else if (strcmp(argv[i], "--fps") == 0) {
			fps = atoi(value);
			if (fps < 1 || fps > 120) return usage("--fps takes 1 to 120");
		} else if (strcmp(argv[i], "--format") == 0) {
			if (parse_format(value) != 0) return usage("unknown --format");
		} else if (strcmp(argv[i], "--color") == 0) {
			if (parse_color(value) != 0) return usage("unknown --color");
		} else if (strcmp(argv[i], "--pattern") == 0) {
			if (strcmp(value, "still") && strcmp(value, "changing") && strcmp(value, "split"))
				return usage("unknown --pattern");
			pattern = value;
		} else
			return usage("unknown option");
		i++;
	}
	pw_init(&argc, &argv);
	loop = pw_main_loop_new(NULL);
	struct pw_loop *l = pw_main_loop_get_loop(loop);
	pw_loop_add_signal(l, SIGTERM, on_signal, NULL);
	pw_loop_add_signal(l, SIGINT, on_signal, NULL);
	stream = pw_stream_new_simple(l, name,
		pw_properties_new(PW_KEY_MEDIA_CLASS, "Video/Source", PW_KEY_NODE_NAME, name,
				  PW_KEY_NODE_DESCRIPTION, "gemini-live test picture", PW_KEY_MEDIA_ROLE, "Camera", NULL),
		&events, NULL);
	uint8_t buffer[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
	const struct spa_pod *params[1];
	params[0] = spa_pod_builder_add_object(&b, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
		SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
		SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
		SPA_FORMAT_VIDEO_format, SPA_POD_Id(format),
		SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(&SPA_RECTANGLE((uint32_t)width, (uint32_t)height)),
		SPA_FORMAT_VIDEO_framerate, SPA_POD_Fraction(&SPA_FRACTION(0, 1)),
		SPA_FORMAT_VIDEO_maxFramerate, SPA_POD_Fraction(&SPA_FRACTION((uint32_t)fps, 1)));
	int res = pw_stream_connect(stream, PW_DIRECTION_OUTPUT, PW_ID_ANY,
				    PW_STREAM_FLAG_DRIVER | PW_STREAM_FLAG_MAP_BUFFERS, params, 1);
	if (res < 0) {
		fprintf(stderr, "video-test-source: cannot connect: %s\n", spa_strerror(res));
		return 1;
	}
	struct spa_source *timer = pw_loop_add_timer(l, on_timer, NULL);
	struct timespec interval = { 0, 1000000000L / fps };
	if (fps == 1) { interval.tv_sec = 1; interval.tv_nsec = 0; }
	pw_loop_update_timer(l, timer, &interval, &interval, false);
	fprintf(stderr, "video-test-source: %s %dx%d at %d fps\n", name, width, height, fps);
	pw_main_loop_run(loop);
	pw_stream_destroy(stream);
	pw_main_loop_destroy(loop);
	pw_deinit();
	return 0;
}
