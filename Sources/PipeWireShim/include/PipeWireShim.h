// C helpers for the parts of libpipewire that Swift cannot call: function-like and
// variadic macros (SPA pod builder, spa_strerror, spa_loop_utils, pw_core, pw_registry and
// pw_metadata methods, and the listeners whose events structs must outlive the call).
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

/// A core listener that reports the core's `error` events (id, seq, res, message) to `func`
/// and its `done` events (id, seq: the answers to pwshim_core_sync) to `done`.
/// The returned handle owns the listener and its events struct; free it with
/// pwshim_core_listener_free under the loop lock.
struct pwshim_core_listener;
struct pwshim_core_listener *pwshim_core_listener_new(struct pw_core *core,
        void (*func)(void *data, uint32_t id, int seq, int res, const char *message),
        void (*done)(void *data, uint32_t id, int seq), void *data);
void pwshim_core_listener_free(struct pwshim_core_listener *listener);

/// pw_core_sync(core, PW_ID_CORE, 0): a round trip. Returns the seq its `done` event carries,
/// or a negative errno-style result.
int pwshim_core_sync(struct pw_core *core);

// ---------------------------------------------------------------- the graph (Graph.c)

/// The registry of `core` with a listener: `global` for every object that exists or appears
/// (its type, e.g. "PipeWire:Interface:Node", and its global properties), `global_remove` when
/// one goes. Free it with pwshim_registry_free under the loop lock, before the core goes.
struct pwshim_registry;
struct pwshim_registry *pwshim_registry_new(struct pw_core *core,
        void (*global)(void *data, uint32_t id, const char *type, const struct spa_dict *props),
        void (*global_remove)(void *data, uint32_t id), void *data);
void pwshim_registry_free(struct pwshim_registry *registry);

/// A proxy this process holds: a bound node, client or metadata object (with its listener)
/// or a link it created. It remembers whether PipeWire removed the object and the last error
/// PipeWire reported for it, and is freed by exactly one of pwshim_object_destroy (now) or
/// pwshim_object_release (once PipeWire confirms the object is gone), under the loop lock.
struct pwshim_object;

/// Binds the node or client `id` (`type` PW_TYPE_INTERFACE_Node or _Client) and reports its
/// full properties to `info` each time they change.
struct pwshim_object *pwshim_registry_bind_info(struct pwshim_registry *registry, uint32_t id,
        const char *type, void (*info)(void *data, uint32_t id, const struct spa_dict *props), void *data);

/// Binds the metadata object `id` and reports each of its properties (initially and on every
/// change; `key` NULL when a subject is cleared, `value` NULL when a key is removed) to `property`.
struct pwshim_object *pwshim_registry_bind_metadata(struct pwshim_registry *registry, uint32_t id,
        void (*property)(void *data, uint32_t subject, const char *key, const char *type, const char *value),
        void *data);

/// pw_metadata_set_property on a bound metadata object; `value` NULL removes `key` from `subject`.
int pwshim_object_set_metadata(struct pwshim_object *metadata, uint32_t subject, const char *key,
                               const char *type, const char *value);

/// pw_core_create_object(core, "link-factory", PW_TYPE_INTERFACE_Link, …, props): a link owned
/// by this process. With `object.linger = false`, pwshim_object_destroy removes the link.
struct pwshim_object *pwshim_core_create_link(struct pw_core *core, const struct pw_properties *props);

/// The last error PipeWire reported for the object (negative errno-style), else 0.
int pwshim_object_error(const struct pwshim_object *object);

/// Destroys the proxy now (for a link this process created: removes the link) and frees it.
void pwshim_object_destroy(struct pwshim_object *object);

/// For an object whose global was removed: frees it once PipeWire has confirmed the removal,
/// without asking the server to destroy an id it already dropped.
void pwshim_object_release(struct pwshim_object *object);

// ---------------------------------------------------------------- video capture (Video.c)

/// The negotiated format of a video capture stream and the newest frame it holds.
struct pwshim_video_frame {
	uint32_t format;      ///< an spa_video_format (SPA_VIDEO_FORMAT_BGRx, …)
	uint32_t width;
	uint32_t height;
	uint32_t planes;      ///< 1 to 3: the buffer's data planes
	uint32_t offsets[3];  ///< where each plane starts in the copied bytes
	int32_t strides[3];   ///< bytes per row of each plane
	size_t size;          ///< the bytes pwshim_video_capture_copy writes
	uint64_t sequence;    ///< increases with every frame the stream delivered
};

/// A video capture `pw_stream` (Stream/Input/Video) linked to the node `target_id`. Its
/// process callback runs on the loop's (non-realtime) thread and only keeps the newest buffer,
/// handing the older ones straight back: no copy, allocation or lock there. The consumer
/// copies that newest frame out under the loop lock (pwshim_video_capture_copy), at its own
/// rate. `state` reports stream state changes. Create, use and free it under the loop lock.
struct pwshim_video_capture;
struct pwshim_video_capture *pwshim_video_capture_new(struct pw_core *core, struct pw_properties *props,
        uint32_t target_id,
        void (*state)(void *data, enum pw_stream_state old, enum pw_stream_state state, const char *error),
        void *data, int *result);

/// Describes the frame held now into `frame`; returns 1 when there is one newer than
/// `after_sequence`, else 0 (nothing new, or no format yet).
int pwshim_video_capture_peek(struct pwshim_video_capture *capture, uint64_t after_sequence,
                              struct pwshim_video_frame *frame);

/// Copies the held frame (as pwshim_video_capture_peek described it) into `dst` and gives its
/// buffer back to the stream. Returns 0, or -1 when there is no frame or `capacity` is short.
int pwshim_video_capture_copy(struct pwshim_video_capture *capture, uint8_t *dst, size_t capacity);

/// Buffers the stream delivered, and those whose memory could not be mapped (skipped).
uint64_t pwshim_video_capture_frames(const struct pwshim_video_capture *capture);
uint64_t pwshim_video_capture_unmappable(const struct pwshim_video_capture *capture);

/// The stream's node id, or SPA_ID_INVALID before PipeWire assigned one.
uint32_t pwshim_video_capture_node_id(const struct pwshim_video_capture *capture);

/// Disconnects and destroys the stream (no callback runs after this) and frees the capture.
void pwshim_video_capture_free(struct pwshim_video_capture *capture);

/// pw_context_connect_fd: a core on `context` over an already connected socket `fd` (the
/// ScreenCast portal's OpenPipeWireRemote); the core owns `fd` from then on, even on failure.
struct pw_core *pwshim_context_connect_fd(struct pw_context *context, int fd);

/// Names the realtime data thread of `context` "data-loop.0", as newer PipeWire releases do
/// (0.3.65 leaves it with the name of the thread that created the context). Queues the renaming
/// on that thread and returns at once; < 0 (a negative errno) when it could not be queued.
int pwshim_name_data_thread(struct pw_context *context);

// ---------------------------------------------------------------- modules (Module.c)

/// A PipeWire module loaded into this process's context (pw_context_load_module), with a
/// listener that notices when the module destroys itself (for example when the connection it
/// uses is lost). Create and free it under the loop lock.
struct pwshim_module;

/// Loads the module `name` with the SPA-JSON `args` into `context`. Returns NULL (errno set)
/// when PipeWire refuses it.
struct pwshim_module *pwshim_module_load(struct pw_context *context, const char *name, const char *args);

/// Whether the module still exists (false once it destroyed itself).
int pwshim_module_alive(const struct pwshim_module *module);

/// Destroys the module if it still exists (its nodes leave the graph) and frees the handle.
void pwshim_module_unload(struct pwshim_module *module);
