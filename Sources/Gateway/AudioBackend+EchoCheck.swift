import AudioNodes
import DBusService
import Foundation
import Logging

extension AudioBackend {
    /// What `CheckEcho` found: the devices and the measurement.
    struct EchoCheck: Sendable {
        var microphone: AudioDevice
        var speakers: AudioDevice
        var measurement: EchoMeasurement
    }

    /// Plays a 2 s sweep twice on the default speakers through an echo canceller on the default
    /// microphone, records the raw microphone and the canceller's output at once, and measures
    /// them (``EchoMeasurement``). Every node it makes leaves the graph before it returns.
    /// - Throws: `AudioUnavailable` without PipeWire or without a default microphone and speakers;
    ///   `Failed` when the canceller cannot load or the recordings come back empty.
    func checkEcho(logger: Logger) async throws(DBusError) -> EchoCheck {
        guard case .available(let loop) = currentAvailability else {
            throw DBusError(GatewayError.audioUnavailable, "PipeWire is not available to the gateway; start PipeWire (systemctl --user start pipewire) and try again.")
        }
        try? await loop.graph.synchronize()
        guard let microphone = loop.graph.defaultSource(), let speakers = loop.graph.defaultSink() else {
            throw DBusError(
                GatewayError.audioUnavailable,
                "The echo check needs a default microphone and default speakers; choose them in pavucontrol or with wpctl set-default.")
        }
        let canceller: EchoCanceller
        do {
            canceller = try echoCancellers.acquire(
                EchoCanceller.Configuration(microphone: microphone.name, speakers: speakers.name), pipeWire: loop)
        } catch {
            throw DBusError.failed("The echo canceller could not be loaded: \(error)")
        }
        defer { echoCancellers.release(canceller) }
        guard await canceller.waitUntilReady() else {
            throw DBusError.failed("The echo canceller's source \(canceller.sourceName) did not appear in the graph.")
        }
        var input = VirtualSink.Configuration(chunkDuration: .milliseconds(20), quietAfter: .seconds(60))
        input.source = .node(microphone.name)
        var player = SessionAudio.Configuration(input: input, playsOnSpeakers: true, speakerTarget: speakers.name, echoCancel: .off)
        player.output.targetDepth = .zero
        input.source = .node(canceller.sourceName)
        let listener = SessionAudio.Configuration(input: input, echoCancel: .off)
        let raw: SessionAudio
        let cancelled: SessionAudio
        do {
            raw = try SessionAudio(session: "echo-check", pipeWire: loop, configuration: player, logger: logger)
        } catch {
            throw DBusError.failed("The echo check's nodes could not be created: \(error)")
        }
        defer { raw.close() }
        do {
            cancelled = try SessionAudio(session: "echo-check-cancelled", pipeWire: loop, configuration: listener, logger: logger)
        } catch {
            throw DBusError.failed("The echo check's nodes could not be created: \(error)")
        }
        defer { cancelled.close() }
        guard let rawInput = raw.input, let cancelledInput = cancelled.input else {
            throw DBusError.failed("The echo check's capture streams were not created.")
        }
        let rawRecording = Recording()
        let cancelledRecording = Recording()
        let signalSeconds = 4.0
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await rawRecording.record(rawInput.events) }
            group.addTask { await cancelledRecording.record(cancelledInput.events) }
            // Play once both streams deliver (WirePlumber links them) and hold 300 ms of the room.
            for _ in 0..<50 {
                if await rawRecording.count >= 4800, await cancelledRecording.count >= 4800 { break }
                try? await Task.sleep(for: .milliseconds(100))
            }
            await rawRecording.markStart()
            await cancelledRecording.markStart()
            EchoMeasurement.signal(rate: 24_000).withUnsafeBytes { raw.pushVoice(bytes: $0) }
            raw.finishVoiceTurn()
            try? await Task.sleep(for: .seconds(signalSeconds + 1))
            await rawRecording.stop()
            await cancelledRecording.stop()
            group.cancelAll()
        }
        let (rawSamples, rawStart) = await rawRecording.result
        let (cancelledSamples, cancelledStart) = await cancelledRecording.result
        let sweep = EchoMeasurement.signal(rate: 16_000)
        guard let measurement = EchoMeasurement.measure(
            sweep: sweep, raw: rawSamples, rawStart: rawStart, cancelled: cancelledSamples, cancelledStart: cancelledStart)
        else {
            throw DBusError.failed(
                "The echo check recorded too little (\(rawSamples.count) raw and \(cancelledSamples.count) cancelled samples at 16 kHz); is the microphone \(microphone.name) running?")
        }
        logger.info("echo check on \(microphone.name) / \(speakers.name): \(measurement)")
        return EchoCheck(microphone: microphone, speakers: speakers, measurement: measurement)
    }
}

/// The samples one capture stream delivered, and where the sweep started in them.
private actor Recording {
    private var samples: [Int16] = []
    private var start = 0
    private var stopped = false

    func record(_ events: AsyncStream<AudioInputEvent>) async {
        for await event in events {
            guard !stopped else { return }
            if case .audio(let chunk) = event { samples += chunk.samples }
        }
    }

    func markStart() { start = samples.count }
    var count: Int { samples.count }
    func stop() { stopped = true }
    var result: ([Int16], Int) { (samples, start) }
}
