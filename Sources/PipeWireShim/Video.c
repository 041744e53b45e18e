#include "PipeWireShim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <spa/param/video/format-utils.h>
#include <spa/pod/builder.h>

struct pwshim_video_capture {
	struct pw_stream *stream;
	struct spa_hook hook;
	struct pw_stream_events events;
	struct spa_video_info_raw info;
	int has_format;
	/// The newest buffer, kept from the stream until the consumer copies it or a newer one comes.
	struct pw_buffer *held;
	uint64_t sequence;
	uint64_t frames;
	uint64_t unmappable;
	void (*state)(void *data, enum pw_stream_state old, enum pw_stream_state state, const char *error);
	void *data;
};

static int usable(const struct spa_buffer *buffer)
{
	const struct spa_data *d = &buffer->datas[0];
	return buffer->n_datas > 0 && d->data != NULL && d->chunk != NULL && d->chunk->size > 0
	       && (d->chunk->flags & SPA_CHUNK_FLAG_CORRUPTED) == 0;
}

static void capture_process(void *data)
{
	struct pwshim_video_capture *c = data;
	struct pw_buffer *b, *newest = NULL;
	while ((b = pw_stream_dequeue_buffer(c->stream)) != NULL) {
		if (newest != NULL)
			pw_stream_queue_buffer(c->stream, newest);
		newest = b;
	}
	if (newest == NULL)
		return;
	c->frames++;
	if (!usable(newest->buffer)) {
		if (newest->buffer->n_datas > 0 && newest->buffer->datas[0].data == NULL)
			c->unmappable++;
		pw_stream_queue_buffer(c->stream, newest);
		return;
	}
	if (c->held != NULL)
		pw_stream_queue_buffer(c->stream, c->held);
	c->held = newest;
	c->sequence++;
}

static void capture_param_changed(void *data, uint32_t id, const struct spa_pod *param)
{
	struct pwshim_video_capture *c = data;
	if (id != SPA_PARAM_Format)
		return;
	if (param == NULL) {
		c->has_format = 0;
		return;
	}
	uint32_t media_type = 0, media_subtype = 0;
	if (spa_format_parse(param, &media_type, &media_subtype) < 0 || media_type != SPA_MEDIA_TYPE_video
	    || media_subtype != SPA_MEDIA_SUBTYPE_raw)
		return;
	struct spa_video_info_raw info;
	memset(&info, 0, sizeof(info));
	if (spa_format_video_raw_parse(param, &info) < 0)
		return;
	c->info = info;
	c->has_format = 1;
}

static void capture_state_changed(void *data, enum pw_stream_state old, enum pw_stream_state state, const char *error)
{
	struct pwshim_video_capture *c = data;
	if (c->state != NULL)
		c->state(c->data, old, state, error);
}

/// Raw video in any format the converter reads; any size; any rate.
static const struct spa_pod *build_formats(struct spa_pod_builder *b)
{
	struct spa_pod_frame f;
	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat);
	spa_pod_builder_add(b, SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			    SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
			    SPA_FORMAT_VIDEO_format,
			    SPA_POD_CHOICE_ENUM_Id(17, SPA_VIDEO_FORMAT_BGRx, SPA_VIDEO_FORMAT_BGRx, SPA_VIDEO_FORMAT_BGRA,
						   SPA_VIDEO_FORMAT_RGBx, SPA_VIDEO_FORMAT_RGBA, SPA_VIDEO_FORMAT_xRGB,
						   SPA_VIDEO_FORMAT_ARGB, SPA_VIDEO_FORMAT_xBGR, SPA_VIDEO_FORMAT_ABGR,
						   SPA_VIDEO_FORMAT_RGB, SPA_VIDEO_FORMAT_BGR, SPA_VIDEO_FORMAT_YUY2,
						   SPA_VIDEO_FORMAT_UYVY, SPA_VIDEO_FORMAT_I420, SPA_VIDEO_FORMAT_YV12,
						   SPA_VIDEO_FORMAT_NV12, SPA_VIDEO_FORMAT_GRAY8),
			    SPA_FORMAT_VIDEO_size,
			    SPA_POD_CHOICE_RANGE_Rectangle(&SPA_RECTANGLE(1280, 720), &SPA_RECTANGLE(1, 1),
							   &SPA_RECTANGLE(16384, 16384)),
			    SPA_FORMAT_VIDEO_framerate,
			    SPA_POD_CHOICE_RANGE_Fraction(&SPA_FRACTION(30, 1), &SPA_FRACTION(0, 1), &SPA_FRACTION(1000, 1)),
			    0);
	return spa_pod_builder_pop(b, &f);
}

struct pwshim_video_capture *pwshim_video_capture_new(struct pw_core *core, struct pw_properties *props,
        uint32_t target_id,
        void (*state)(void *data, enum pw_stream_state old, enum pw_stream_state state, const char *error),
        void *data, int *result)
{
	*result = 0;
	struct pwshim_video_capture *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		pw_properties_free(props);
		*result = -ENOMEM;
		return NULL;
	}
	c->state = state;
	c->data = data;
	const char *name = pw_properties_get(props, PW_KEY_NODE_NAME);
	c->stream = pw_stream_new(core, name != NULL ? name : "gemini-live-video", props);
	if (c->stream == NULL) {
		*result = -errno;
		free(c);
		return NULL;
	}
	c->events.version = PW_VERSION_STREAM_EVENTS;
	c->events.process = capture_process;
	c->events.param_changed = capture_param_changed;
	c->events.state_changed = capture_state_changed;
	pw_stream_add_listener(c->stream, &c->hook, &c->events, c);

	uint8_t buffer[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
	const struct spa_pod *params[1] = { build_formats(&b) };
	int res = pw_stream_connect(c->stream, PW_DIRECTION_INPUT, target_id,
				    PW_STREAM_FLAG_AUTOCONNECT | PW_STREAM_FLAG_MAP_BUFFERS, params, 1);
	if (res < 0) {
		*result = res;
		pwshim_video_capture_free(c);
		return NULL;
	}
	return c;
}

static size_t plane_bytes(const struct spa_data *d, const uint8_t **start)
{
	uint32_t offset = d->chunk->offset % (d->maxsize > 0 ? d->maxsize : 1);
	uint32_t size = d->chunk->size;
	if (size > d->maxsize - offset)
		size = d->maxsize - offset;
	*start = (const uint8_t *)d->data + offset;
	return size;
}

int pwshim_video_capture_peek(struct pwshim_video_capture *c, uint64_t after_sequence, struct pwshim_video_frame *frame)
{
	memset(frame, 0, sizeof(*frame));
	if (!c->has_format || c->held == NULL || c->sequence <= after_sequence)
		return 0;
	const struct spa_buffer *buffer = c->held->buffer;
	frame->format = c->info.format;
	frame->width = c->info.size.width;
	frame->height = c->info.size.height;
	frame->sequence = c->sequence;
	frame->planes = buffer->n_datas > 3 ? 3 : buffer->n_datas;
	size_t total = 0;
	for (uint32_t i = 0; i < frame->planes; i++) {
		const struct spa_data *d = &buffer->datas[i];
		const uint8_t *start;
		size_t size = d->data != NULL && d->chunk != NULL ? plane_bytes(d, &start) : 0;
		frame->offsets[i] = (uint32_t)total;
		frame->strides[i] = d->chunk != NULL ? d->chunk->stride : 0;
		total += size;
	}
	frame->size = total;
	return 1;
}

int pwshim_video_capture_copy(struct pwshim_video_capture *c, uint8_t *dst, size_t capacity)
{
	if (c->held == NULL)
		return -1;
	const struct spa_buffer *buffer = c->held->buffer;
	uint32_t planes = buffer->n_datas > 3 ? 3 : buffer->n_datas;
	size_t at = 0;
	for (uint32_t i = 0; i < planes; i++) {
		const struct spa_data *d = &buffer->datas[i];
		if (d->data == NULL || d->chunk == NULL)
			continue;
		const uint8_t *start;
		size_t size = plane_bytes(d, &start);
		if (at + size > capacity)
			return -1;
		memcpy(dst + at, start, size);
		at += size;
	}
	pw_stream_queue_buffer(c->stream, c->held);
	c->held = NULL;
	return 0;
}

uint64_t pwshim_video_capture_frames(const struct pwshim_video_capture *c) { return c->frames; }
uint64_t pwshim_video_capture_unmappable(const struct pwshim_video_capture *c) { return c->unmappable; }

uint32_t pwshim_video_capture_node_id(const struct pwshim_video_capture *c)
{
	return c->stream != NULL ? pw_stream_get_node_id(c->stream) : SPA_ID_INVALID;
}

void pwshim_video_capture_free(struct pwshim_video_capture *c)
{
	if (c == NULL)
		return;
	if (c->stream != NULL) {
		spa_hook_remove(&c->hook);
		if (c->held != NULL)
			pw_stream_queue_buffer(c->stream, c->held);
		c->held = NULL;
		pw_stream_destroy(c->stream);
	}
	free(c);
}

struct pw_core *pwshim_context_connect_fd(struct pw_context *context, int fd)
{
	struct pw_core *core = pw_context_connect_fd(context, fd, NULL, 0);
	if (core == NULL) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return core;
}
