#define _GNU_SOURCE
#include "PipeWireShim.h"

#include <errno.h>
#include <pthread.h>

#include <stdlib.h>
#include <spa/param/audio/format-utils.h>
#include <spa/utils/result.h>

const struct spa_pod *pwshim_build_mono_format(uint8_t *buf, size_t size,
                                               uint32_t spa_audio_format, uint32_t rate)
{
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, (uint32_t)size);
	struct spa_audio_info_raw info = SPA_AUDIO_INFO_RAW_INIT(
		.format = (enum spa_audio_format)spa_audio_format, .rate = rate, .channels = 1);
	info.position[0] = SPA_AUDIO_CHANNEL_MONO;
	return spa_format_audio_raw_build(&b, SPA_PARAM_EnumFormat, &info);
}

const char *pwshim_strerror(int res) { return spa_strerror(res); }

struct spa_source *pwshim_loop_add_event(struct pw_loop *loop,
                                         void (*func)(void *data, uint64_t count), void *data)
{
	return pw_loop_add_event(loop, func, data);
}

int pwshim_loop_signal_event(struct pw_loop *loop, struct spa_source *source)
{
	return pw_loop_signal_event(loop, source);
}

struct spa_source *pwshim_loop_add_timer(struct pw_loop *loop,
                                         void (*func)(void *data, uint64_t expirations), void *data)
{
	return pw_loop_add_timer(loop, func, data);
}

int pwshim_loop_update_timer(struct pw_loop *loop, struct spa_source *source,
                             uint64_t first_ns, uint64_t interval_ns)
{
	struct timespec value = { .tv_sec = (time_t)(first_ns / SPA_NSEC_PER_SEC),
				  .tv_nsec = (long)(first_ns % SPA_NSEC_PER_SEC) };
	struct timespec interval = { .tv_sec = (time_t)(interval_ns / SPA_NSEC_PER_SEC),
				     .tv_nsec = (long)(interval_ns % SPA_NSEC_PER_SEC) };
	return pw_loop_update_timer(loop, source, &value, &interval, false);
}

void pwshim_loop_destroy_source(struct pw_loop *loop, struct spa_source *source)
{
	pw_loop_destroy_source(loop, source);
}

struct pwshim_core_listener {
	struct spa_hook hook;
	struct pw_core_events events;
	void (*func)(void *data, uint32_t id, int seq, int res, const char *message);
	void (*done)(void *data, uint32_t id, int seq);
	void *data;
};

static void pwshim_core_done(void *data, uint32_t id, int seq)
{
	struct pwshim_core_listener *l = data;
	l->done(l->data, id, seq);
}

static void pwshim_core_error(void *data, uint32_t id, int seq, int res, const char *message)
{
	struct pwshim_core_listener *l = data;
	l->func(l->data, id, seq, res, message);
}

struct pwshim_core_listener *pwshim_core_listener_new(struct pw_core *core,
        void (*func)(void *data, uint32_t id, int seq, int res, const char *message),
        void (*done)(void *data, uint32_t id, int seq), void *data)
{
	struct pwshim_core_listener *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	l->events.version = PW_VERSION_CORE_EVENTS;
	l->events.error = pwshim_core_error;
	l->events.done = pwshim_core_done;
	l->func = func;
	l->done = done;
	l->data = data;
	pw_core_add_listener(core, &l->hook, &l->events, l);
	return l;
}

void pwshim_core_listener_free(struct pwshim_core_listener *listener)
{
	if (listener == NULL)
		return;
	spa_hook_remove(&listener->hook);
	free(listener);
}

int pwshim_core_sync(struct pw_core *core) { return pw_core_sync(core, PW_ID_CORE, 0); }

static int pwshim_name_this_thread(struct spa_loop *loop, bool async, uint32_t seq, const void *data,
                                   size_t size, void *user_data)
{
	return -pthread_setname_np(pthread_self(), "data-loop.0");
}

int pwshim_name_data_thread(struct pw_context *context)
{
	struct pw_data_loop *loop = pw_context_get_data_loop(context);
	if (loop == NULL)
		return -ENOENT;
	return pw_data_loop_invoke(loop, pwshim_name_this_thread, 0, NULL, 0, false, NULL);
}
