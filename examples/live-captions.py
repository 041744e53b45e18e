#!/usr/bin/python3
"""live-captions: print a gemini-live-gateway session's transcript as live captions.

Subscribes to InputTranscription and OutputTranscription (and Text) of one session, or of every
session when none is named, and prints each turn's words in (turn, sequence) order: a fragment is
printed as soon as every earlier fragment of its turn has arrived. Ends when the session closes.

    examples/live-captions.py [--address unix:path=…] [--session PATH] [--turns N]

Uses Debian's python3-dbus and python3-gi (scripts/install-deps.sh installs both), hence
/usr/bin/python3 rather than whichever python3 comes first in PATH.
"""
import argparse
import sys

import dbus
import dbus.mainloop.glib
from gi.repository import GLib

GATEWAY = "io.github.geminilive.Gateway1"
SESSION_INTERFACE = GATEWAY + ".Session"
LABELS = {"InputTranscription": "you", "OutputTranscription": "gemini", "Text": "gemini (text)"}


class Captions:
    """Puts fragments in (turn, sequence) order and prints them, one line per speaker and turn."""

    def __init__(self, turns, loop):
        self.turns_left = turns
        self.loop = loop
        self.pending = {}        # (path, turn) -> {sequence: (member, text)}
        self.next_sequence = {}  # (path, turn) -> the next sequence to print
        self.open_line = None    # (path, turn, member) of the line being written
        self.first_turn = {}     # path -> the first turn seen (it may have begun before we listened)

    def fragment(self, member, turn, sequence, text, path):
        key = (str(path), int(turn))
        joined_mid_turn = self.first_turn.setdefault(key[0], key[1]) == key[1]
        self.next_sequence.setdefault(key, int(sequence) if joined_mid_turn else 0)
        self.pending.setdefault(key, {})[int(sequence)] = (str(member), str(text))
        self.release(key)

    def release(self, key, everything=False):
        held = self.pending.get(key, {})
        order = sorted(held) if everything else []
        if not everything:
            sequence = self.next_sequence.get(key, 0)
            while sequence in held:
                order.append(sequence)
                sequence += 1
        for sequence in order:
            member, text = held.pop(sequence)
            line = (key[0], key[1], member)
            if self.open_line != line:
                self.end_line()
                sys.stdout.write("%s [%d]: " % (LABELS[member], key[1]))
                self.open_line = line
            sys.stdout.write(text)
            self.next_sequence[key] = sequence + 1
        sys.stdout.flush()

    def end_line(self):
        if self.open_line is not None:
            sys.stdout.write("\n")
            sys.stdout.flush()
        self.open_line = None

    def turn_complete(self, turn, reason, path):
        self.release((str(path), int(turn)), everything=True)
        self.end_line()
        if self.turns_left is not None:
            self.turns_left -= 1
            if self.turns_left <= 0:
                self.loop.quit()

    def interrupted(self, turn, path):
        self.release((str(path), int(turn)), everything=True)
        self.end_line()
        print("   (interrupted)", flush=True)

    def closed(self, code, reason, explanation, path):
        for key in [k for k in self.pending if k[0] == str(path)]:
            self.release(key, everything=True)
        self.end_line()
        print("-- closed %d: %s" % (code, explanation), flush=True)
        self.loop.quit()


def main():
    parser = argparse.ArgumentParser(description="Live captions of a gemini-live-gateway session.")
    parser.add_argument("--address", help="D-Bus address (default: the session bus)")
    parser.add_argument("--session", help="a session's object path (default: every session)")
    parser.add_argument("--turns", type=int, help="stop after this many completed turns")
    arguments = parser.parse_args()

    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(arguments.address) if arguments.address else dbus.SessionBus()
    loop = GLib.MainLoop()
    captions = Captions(arguments.turns, loop)
    match = {"dbus_interface": SESSION_INTERFACE, "bus_name": GATEWAY, "path_keyword": "path"}
    if arguments.session:
        match["path"] = arguments.session
    for member in LABELS:
        bus.add_signal_receiver(
            lambda *args, member=member, **kw: captions.fragment(member, args[0], args[1], args[2], kw["path"]),
            signal_name=member, **match)
    bus.add_signal_receiver(captions.turn_complete, signal_name="TurnComplete", **match)
    bus.add_signal_receiver(captions.interrupted, signal_name="Interrupted", **match)
    bus.add_signal_receiver(captions.closed, signal_name="Closed", **match)
    # Tell a waiting script that the subscriptions are in place.
    print("listening", file=sys.stderr, flush=True)
    try:
        loop.run()
    except KeyboardInterrupt:
        pass
    captions.end_line()


if __name__ == "__main__":
    main()
