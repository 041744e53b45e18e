#include "PipeWireShim.h"

#include <stdlib.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <pipewire/extensions/metadata.h>

struct pwshim_registry {
	struct pw_registry *registry;
	struct spa_hook hook;
	struct pw_registry_events events;
	void (*global)(void *data, uint32_t id, const char *type, const struct spa_dict *props);
	void (*global_remove)(void *data, uint32_t id);
	void *data;
};

static void pwshim_registry_global(void *data, uint32_t id, uint32_t permissions, const char *type,
                                   uint32_t version, const struct spa_dict *props)
{
	struct pwshim_registry *r = data;
	r->global(r->data, id, type, props);
}

static void pwshim_registry_global_remove(void *data, uint32_t id)
{
	struct pwshim_registry *r = data;
	r->global_remove(r->data, id);
}

struct pwshim_registry *pwshim_registry_new(struct pw_core *core,
        void (*global)(void *data, uint32_t id, const char *type, const struct spa_dict *props),
        void (*global_remove)(void *data, uint32_t id), void *data)
{
	struct pwshim_registry *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->registry = pw_core_get_registry(core, PW_VERSION_REGISTRY, 0);
	if (r->registry == NULL) {
		free(r);
		return NULL;
	}
	r->events.version = PW_VERSION_REGISTRY_EVENTS;
	r->events.global = pwshim_registry_global;
	r->events.global_remove = pwshim_registry_global_remove;
	r->global = global;
	r->global_remove = global_remove;
	r->data = data;
	pw_registry_add_listener(r->registry, &r->hook, &r->events, r);
	return r;
}

void pwshim_registry_free(struct pwshim_registry *registry)
{
	if (registry == NULL)
		return;
	spa_hook_remove(&registry->hook);
	pw_proxy_destroy((struct pw_proxy *)registry->registry);
	free(registry);
}

struct pwshim_object {
	struct pw_proxy *proxy;
	struct spa_hook proxy_hook;
	struct pw_proxy_events proxy_events;
	struct spa_hook hook;
	bool has_hook;
	bool removed;
	bool released;
	int error;
	union {
		struct pw_node_events node;
		struct pw_client_events client;
		struct pw_metadata_events metadata;
	} events;
	uint32_t id;
	void (*info)(void *data, uint32_t id, const struct spa_dict *props);
	void (*property)(void *data, uint32_t subject, const char *key, const char *type, const char *value);
	void *data;
};

static void pwshim_object_free_now(struct pwshim_object *o)
{
	if (o->proxy != NULL) {
		if (o->has_hook)
			spa_hook_remove(&o->hook);
		spa_hook_remove(&o->proxy_hook);
		pw_proxy_destroy(o->proxy);
	}
	free(o);
}

static void pwshim_object_removed(void *data)
{
	struct pwshim_object *o = data;
	o->removed = true;
	if (o->released)
		pwshim_object_free_now(o);
}

/* The core is going away and destroys every proxy: drop the hooks with it. */
static void pwshim_object_proxy_destroyed(void *data)
{
	struct pwshim_object *o = data;
	if (o->has_hook)
		spa_hook_remove(&o->hook);
	spa_hook_remove(&o->proxy_hook);
	o->proxy = NULL;
	if (o->released)
		free(o);
}

static void pwshim_object_proxy_error(void *data, int seq, int res, const char *message)
{
	struct pwshim_object *o = data;
	o->error = res;
}

static struct pwshim_object *pwshim_object_new(struct pw_proxy *proxy)
{
	if (proxy == NULL)
		return NULL;
	struct pwshim_object *o = calloc(1, sizeof(*o));
	if (o == NULL) {
		pw_proxy_destroy(proxy);
		return NULL;
	}
	o->proxy = proxy;
	o->proxy_events.version = PW_VERSION_PROXY_EVENTS;
	o->proxy_events.removed = pwshim_object_removed;
	o->proxy_events.destroy = pwshim_object_proxy_destroyed;
	o->proxy_events.error = pwshim_object_proxy_error;
	pw_proxy_add_listener(proxy, &o->proxy_hook, &o->proxy_events, o);
	return o;
}

static void pwshim_node_info(void *data, const struct pw_node_info *info)
{
	struct pwshim_object *o = data;
	if (info->change_mask & PW_NODE_CHANGE_MASK_PROPS)
		o->info(o->data, o->id, info->props);
}

static void pwshim_client_info(void *data, const struct pw_client_info *info)
{
	struct pwshim_object *o = data;
	if (info->change_mask & PW_CLIENT_CHANGE_MASK_PROPS)
		o->info(o->data, o->id, info->props);
}

struct pwshim_object *pwshim_registry_bind_info(struct pwshim_registry *registry, uint32_t id,
        const char *type, void (*info)(void *data, uint32_t id, const struct spa_dict *props), void *data)
{
	bool is_node = strcmp(type, PW_TYPE_INTERFACE_Node) == 0;
	if (!is_node && strcmp(type, PW_TYPE_INTERFACE_Client) != 0)
		return NULL;
	struct pwshim_object *o = pwshim_object_new(pw_registry_bind(registry->registry, id, type,
			is_node ? PW_VERSION_NODE : PW_VERSION_CLIENT, 0));
	if (o == NULL)
		return NULL;
	o->id = id;
	o->info = info;
	o->data = data;
	o->has_hook = true;
	if (is_node) {
		o->events.node.version = PW_VERSION_NODE_EVENTS;
		o->events.node.info = pwshim_node_info;
		pw_node_add_listener((struct pw_node *)o->proxy, &o->hook, &o->events.node, o);
	} else {
		o->events.client.version = PW_VERSION_CLIENT_EVENTS;
		o->events.client.info = pwshim_client_info;
		pw_client_add_listener((struct pw_client *)o->proxy, &o->hook, &o->events.client, o);
	}
	return o;
}

static int pwshim_metadata_property(void *data, uint32_t subject, const char *key, const char *type,
                                    const char *value)
{
	struct pwshim_object *o = data;
	o->property(o->data, subject, key, type, value);
	return 0;
}

struct pwshim_object *pwshim_registry_bind_metadata(struct pwshim_registry *registry, uint32_t id,
        void (*property)(void *data, uint32_t subject, const char *key, const char *type, const char *value),
        void *data)
{
	struct pwshim_object *o = pwshim_object_new(pw_registry_bind(registry->registry, id,
			PW_TYPE_INTERFACE_Metadata, PW_VERSION_METADATA, 0));
	if (o == NULL)
		return NULL;
	o->id = id;
	o->property = property;
	o->data = data;
	o->has_hook = true;
	o->events.metadata.version = PW_VERSION_METADATA_EVENTS;
	o->events.metadata.property = pwshim_metadata_property;
	pw_metadata_add_listener((struct pw_metadata *)o->proxy, &o->hook, &o->events.metadata, o);
	return o;
}

int pwshim_object_set_metadata(struct pwshim_object *metadata, uint32_t subject, const char *key,
                               const char *type, const char *value)
{
	if (metadata->proxy == NULL || metadata->removed)
		return -EPIPE;
	return pw_metadata_set_property((struct pw_metadata *)metadata->proxy, subject, key, type, value);
}

struct pwshim_object *pwshim_core_create_link(struct pw_core *core, const struct pw_properties *props)
{
	return pwshim_object_new(pw_core_create_object(core, "link-factory", PW_TYPE_INTERFACE_Link,
						       PW_VERSION_LINK, &props->dict, 0));
}

int pwshim_object_error(const struct pwshim_object *object) { return object->error; }

void pwshim_object_destroy(struct pwshim_object *object)
{
	if (object != NULL)
		pwshim_object_free_now(object);
}

void pwshim_object_release(struct pwshim_object *object)
{
	if (object == NULL)
		return;
	if (object->removed || object->proxy == NULL) {
		pwshim_object_free_now(object);
		return;
	}
	object->released = true;
}
