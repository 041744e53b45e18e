#include "PipeWireShim.h"

#include <errno.h>
#include <stdlib.h>
#include <pipewire/impl.h>

struct pwshim_module {
	struct pw_impl_module *module;
	struct spa_hook hook;
	struct pw_impl_module_events events;
};

static void pwshim_module_destroyed(void *data)
{
	struct pwshim_module *handle = data;
	spa_hook_remove(&handle->hook);
	handle->module = NULL;
}

struct pwshim_module *pwshim_module_load(struct pw_context *context, const char *name, const char *args)
{
	struct pwshim_module *handle = calloc(1, sizeof(*handle));
	if (handle == NULL)
		return NULL;
	handle->module = pw_context_load_module(context, name, args, NULL);
	if (handle->module == NULL) {
		int saved = errno;
		free(handle);
		errno = saved;
		return NULL;
	}
	handle->events.version = PW_VERSION_IMPL_MODULE_EVENTS;
	handle->events.destroy = pwshim_module_destroyed;
	pw_impl_module_add_listener(handle->module, &handle->hook, &handle->events, handle);
	return handle;
}

int pwshim_module_alive(const struct pwshim_module *module)
{
	return module != NULL && module->module != NULL;
}

void pwshim_module_unload(struct pwshim_module *module)
{
	if (module == NULL)
		return;
	if (module->module != NULL) {
		struct pw_impl_module *alive = module->module;
		spa_hook_remove(&module->hook);
		module->module = NULL;
		pw_impl_module_destroy(alive);
	}
	free(module);
}
