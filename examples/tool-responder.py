#!/usr/bin/python3
"""tool-responder: answer a gemini-live-gateway session's tool calls.

Listens for the ToolCall signal of one session (or of every session) and answers each call with
SendToolResponse, from a table of local functions. Ends when the session closes, or after
--calls answers.

    examples/tool-responder.py [--address unix:path=…] [--session PATH] [--calls N]

A session only obeys its owner: answer the tool calls of a detached session (started by this user
with "detached": true, e.g. by `gemini-live start`), or run this in the program that started it.
Uses Debian's python3-dbus and python3-gi (scripts/install-deps.sh installs both).
"""
import argparse
import json
import sys
import time

import dbus
import dbus.mainloop.glib
from gi.repository import GLib

GATEWAY = "io.github.geminilive.Gateway1"
SESSION_INTERFACE = GATEWAY + ".Session"


def get_weather(city="somewhere"):
    return {"city": city, "temperature": 20, "sky": "clear"}


def get_time():
    return {"time": time.strftime("%H:%M")}


FUNCTIONS = {"get_weather": get_weather, "get_time": get_time}


def main():
    parser = argparse.ArgumentParser(description="Answer a gemini-live-gateway session's tool calls.")
    parser.add_argument("--address", help="D-Bus address (default: the session bus)")
    parser.add_argument("--session", help="a session's object path (default: every session)")
    parser.add_argument("--calls", type=int, help="stop after answering this many calls")
    arguments = parser.parse_args()

    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(arguments.address) if arguments.address else dbus.SessionBus()
    loop = GLib.MainLoop()
    state = {"left": arguments.calls}

    def on_tool_call(call_id, name, args, path):
        try:
            parsed = json.loads(args) if args else {}
            function = FUNCTIONS.get(str(name))
            result = function(**parsed) if function else {"error": "unknown function %s" % name}
        except (TypeError, ValueError) as error:
            result = {"error": str(error)}
        session = bus.get_object(GATEWAY, path)
        try:
            session.SendToolResponse(call_id, json.dumps(result), dbus.Dictionary({}, signature="sv"),
                                     dbus_interface=SESSION_INTERFACE)
        except dbus.exceptions.DBusException as error:
            print("SendToolResponse failed: %s: %s" % (error.get_dbus_name(), error.get_dbus_message()),
                  file=sys.stderr, flush=True)
            return
        print("answered %s %s(%s) -> %s" % (call_id, name, args, json.dumps(result)), flush=True)
        if state["left"] is not None:
            state["left"] -= 1
            if state["left"] <= 0:
                loop.quit()

    def on_closed(code, reason, explanation, path):
        print("closed %d: %s" % (code, explanation), flush=True)
        loop.quit()

    match = {"dbus_interface": SESSION_INTERFACE, "bus_name": GATEWAY, "path_keyword": "path"}
    if arguments.session:
        match["path"] = arguments.session
    bus.add_signal_receiver(on_tool_call, signal_name="ToolCall", **match)
    bus.add_signal_receiver(on_closed, signal_name="Closed", **match)
    print("listening", file=sys.stderr, flush=True)
    try:
        loop.run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
