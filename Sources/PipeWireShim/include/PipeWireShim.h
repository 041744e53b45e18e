// C helpers for the parts of libpipewire that Swift cannot call: function-like and
// variadic macros (SPA pod builder, spa_strerror, spa_loop_utils and pw_core methods).
#pragma once
#include <stdint.h>
#include <stddef.h>
#include <pipewire/pipewire.h>

/// Builds an EnumFormat pod for raw interleaved mono audio (position MONO) into `buf`.
/// Returns a pointer into `buf`, or NULL when `size` is too small.
const struct spa_pod *pwshim_build_mono_format(uint8_t *buf, size_t size,
                                               uint32_t spa_audio_format, uint32_t rate);

/// The text of a negative errno-style PipeWire result.
const char *pwshim_strerror(int res);

/// pw_loop_add_event: an event source on `loop` whose callback runs on the loop's thread.
struct spa_source *pwshim_loop_add_event(struct pw_loop *loop,
                                         void (*func)(void *data, uint64_t count), void *data);

/// pw_loop_signal_event: wakes `source` (an eventfd write; safe from the realtime thread).
int pwshim_loop_signal_event(struct pw_loop *loop, struct spa_source *source);

/// pw_loop_add_timer: a timer source on `loop`; arm it with pwshim_loop_update_timer.
struct spa_source *pwshim_loop_add_timer(struct pw_loop *loop,
                                         void (*func)(void *data, uint64_t expirations), void *data);

/// Arms `source` to fire after `first_ns` nanoseconds, then every `interval_ns` (0: once).
int pwshim_loop_update_timer(struct pw_loop *loop, struct spa_source *source,
                             uint64_t first_ns, uint64_t interval_ns);

/// pw_loop_destroy_source.
void pwshim_loop_destroy_source(struct pw_loop *loop, struct spa_source *source);

/// A core listener that reports the core's `error` events (id, seq, res, message) to `func`.
/// The returned handle owns the listener and its events struct; free it with
/// pwshim_core_listener_free under the loop lock.
struct pwshim_core_listener;
struct pwshim_core_listener *pwshim_core_listener_new(struct pw_core *core,
        void (*func)(void *data, uint32_t id, int seq, int res, const char *message), void *data);
void pwshim_core_listener_free(struct pwshim_core_listener *listener);
