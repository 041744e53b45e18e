#!/usr/bin/python3
"""A ScreenCast portal for the gateway's tests: org.freedesktop.portal.ScreenCast (version 4) as
xdg-desktop-portal serves it on the session bus, with the Request/Response handshake, a Session
object, restore tokens and OpenPipeWireRemote handing out a socket to PipeWire. Instead of a
compositor's dialog it "picks" the node given with --node-id (a video-test-source the test started).

The real backends need a compositor with a GPU render node, which the test machines lack; this
implements the portal's real D-Bus interface so that the gateway's own portal client runs end to end.

usage: screencast-portal.py --node-id N --pipewire SOCKET --log FILE
                            [--select-response 0|1|2] [--start-response 0|1|2]
  --select-response / --start-response: the Response code of SelectSources / Start
      (0 success, 1 cancelled by the user, 2 refused); default 0.
  --log: one JSON object per call (method, options as plain JSON) for the test to check.
Prints "ready" on stdout once it owns org.freedesktop.portal.Desktop. SIGUSR1 closes every session
from the portal's side (as when the user stops the cast from the desktop). Needs python3-gi.
"""
import argparse
import json
import os
import signal
import socket
import sys

from gi.repository import Gio, GLib

XML = """<node>
<interface name="org.freedesktop.portal.ScreenCast">
  <method name="CreateSession"><arg type="a{sv}" direction="in"/><arg type="o" direction="out"/></method>
  <method name="SelectSources"><arg type="o" direction="in"/><arg type="a{sv}" direction="in"/><arg type="o" direction="out"/></method>
  <method name="Start"><arg type="o" direction="in"/><arg type="s" direction="in"/><arg type="a{sv}" direction="in"/><arg type="o" direction="out"/></method>
  <method name="OpenPipeWireRemote"><arg type="o" direction="in"/><arg type="a{sv}" direction="in"/><arg type="h" direction="out"/></method>
  <property name="AvailableSourceTypes" type="u" access="read"/>
  <property name="AvailableCursorModes" type="u" access="read"/>
  <property name="version" type="u" access="read"/>
</interface>
<interface name="org.freedesktop.portal.Session">
  <method name="Close"/>
  <signal name="Closed"><arg type="a{sv}" name="details"/></signal>
  <property name="version" type="u" access="read"/>
</interface>
</node>"""

parser = argparse.ArgumentParser()
parser.add_argument("--node-id", type=int, required=True)
parser.add_argument("--pipewire", required=True)
parser.add_argument("--log", required=True)
parser.add_argument("--select-response", type=int, default=0)
parser.add_argument("--start-response", type=int, default=0)
args = parser.parse_args()

info = Gio.DBusNodeInfo.new_for_xml(XML)
screencast, session_interface = info.interfaces
sessions = {}  # path -> registration id
tokens_issued = [0]
connection = [None]


def plain(value):
    """A GLib value as JSON-friendly Python."""
    if isinstance(value, GLib.Variant):
        return plain(value.unpack())
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def log(method, **fields):
    with open(args.log, "a") as f:
        f.write(json.dumps(dict(method=method, **plain(fields))) + "\n")


def sender_part(sender):
    return sender[1:].replace(".", "_")


def respond(conn, sender, token, code, results):
    """Returns the Request path and emits its Response once the reply is out."""
    path = "/org/freedesktop/portal/desktop/request/%s/%s" % (sender_part(sender), token)

    def emit():
        conn.emit_signal(sender, path, "org.freedesktop.portal.Request", "Response",
                         GLib.Variant("(ua{sv})", (code, results)))
        return False

    GLib.idle_add(emit)
    return path


def on_session_call(conn, sender, path, iface, method, params, invocation):
    if method == "Close":
        log("Close", session=path)
        registration = sessions.pop(path, None)
        if registration is not None:
            conn.unregister_object(registration)
        invocation.return_value(None)


def on_session_get(conn, sender, path, iface, prop):
    return GLib.Variant("u", 1)


def on_call(conn, sender, path, iface, method, params, invocation):
    a = params.unpack()
    if method == "CreateSession":
        options = a[0]
        log(method, options=options)
        session = "/org/freedesktop/portal/desktop/session/%s/%s" % (sender_part(sender), options["session_handle_token"])
        sessions[session] = conn.register_object(session, session_interface, on_session_call, on_session_get, None)
        invocation.return_value(GLib.Variant("(o)", (respond(conn, sender, options["handle_token"], 0,
                                                             {"session_handle": GLib.Variant("s", session)}),)))
    elif method == "SelectSources":
        session, options = a
        log(method, session=session, options=options)
        if session not in sessions:
            invocation.return_dbus_error("org.freedesktop.portal.Error.NotFound", "no such session")
            return
        invocation.return_value(GLib.Variant("(o)", (respond(conn, sender, options["handle_token"], args.select_response, {}),)))
    elif method == "Start":
        session, parent, options = a
        log(method, session=session, parent=parent, options=options)
        results = {}
        if args.start_response == 0:
            streams = [(args.node_id, {"size": GLib.Variant("(ii)", (1280, 720)), "source_type": GLib.Variant("u", 1)})]
            results["streams"] = GLib.Variant("a(ua{sv})", streams)
            tokens_issued[0] += 1
            results["restore_token"] = GLib.Variant("s", "test-restore-token-%d" % tokens_issued[0])
        invocation.return_value(GLib.Variant("(o)", (respond(conn, sender, options["handle_token"], args.start_response, results),)))
    elif method == "OpenPipeWireRemote":
        session, options = a
        log(method, session=session)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(args.pipewire)
        fds = Gio.UnixFDList.new()
        index = fds.append(s.fileno())
        s.close()
        invocation.return_value_with_unix_fd_list(GLib.Variant("(h)", (index,)), fds)


def on_get(conn, sender, path, iface, prop):
    return GLib.Variant("u", {"AvailableSourceTypes": 3, "AvailableCursorModes": 3, "version": 4}[prop])


def close_all():
    conn = connection[0]
    for path, registration in list(sessions.items()):
        log("Closed", session=path)
        conn.emit_signal(None, path, "org.freedesktop.portal.Session", "Closed", GLib.Variant("(a{sv})", ({},)))
        conn.unregister_object(registration)
        sessions.pop(path, None)
    return True


def on_bus(conn, name):
    connection[0] = conn
    conn.register_object("/org/freedesktop/portal/desktop", screencast, on_call, on_get, None)


def on_name(conn, name):
    print("ready", flush=True)


def on_lost(conn, name):
    print("could not own %s" % name, file=sys.stderr, flush=True)
    loop.quit()


loop = GLib.MainLoop()
# A child inherits the signal mask of the thread that spawned it, and the test runner's threads
# may block signals: SIGUSR1 (end the casts) stayed pending until unblocked here.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGUSR1})
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, lambda: loop.quit() or False)
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR1, close_all)
Gio.bus_own_name(Gio.BusType.SESSION, "org.freedesktop.portal.Desktop", 0, on_bus, on_name, on_lost)
loop.run()
