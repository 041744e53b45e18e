@testable import AudioNodes
import Testing

@Suite("Echo canceller module arguments")
struct EchoCancellerArgumentsTests {
    @Test("the arguments that work with PipeWire 0.3.65: WebRTC by library.name, monitor mode, 48 kHz mono, AGC off")
    func knownGood() {
        let arguments = EchoCanceller.moduleArguments(
            prefix: "gemini-live-echo-1", configuration: .init(microphone: "room-mic", speakers: "room-speakers"))
        for expected in [
            "library.name = \"aec/libspa-aec-webrtc\"", "monitor.mode = true", "audio.rate = 48000",
            "audio.channels = 1", "audio.position = [ MONO ]", "webrtc.gain_control = \"false\"",
            "node.name = \"gemini-live-echo-1-source\"", "target.object = \"room-mic\"",
            "target.object = \"room-speakers\"", "priority.session = \"0\"",
            "node.description = \"Gemini Live microphone (echo cancelled)\"",
        ] {
            #expect(arguments.contains(expected), "\(expected) in \(arguments)")
        }
        #expect(!arguments.contains("aec.method"))
        #expect(EchoCanceller.sourceName(prefix: "gemini-live-echo-1") == "gemini-live-echo-1-source")
    }

    @Test("buffer.max_size: two blocks of the quantum the graph runs with the canceller, at least 20 ms")
    func bufferSize() {
        #expect(EchoCanceller.bufferMilliseconds(clock: [:]) == 20)
        let desktop = ["clock.rate": "48000", "clock.quantum": "1024", "clock.min-quantum": "32",
                       "clock.max-quantum": "2048", "clock.force-quantum": "0"]
        #expect(EchoCanceller.bufferMilliseconds(clock: desktop) == 20)
        #expect(EchoCanceller.bufferMilliseconds(clock: ["clock.min-quantum": "1024"]) == 43)
        #expect(EchoCanceller.bufferMilliseconds(clock: ["clock.force-quantum": "2048", "clock.min-quantum": "64"]) == 86)
        #expect(EchoCanceller.bufferMilliseconds(clock: ["clock.rate": "44100", "clock.max-quantum": "256"]) == 20)
        #expect(EchoCanceller.bufferMilliseconds(clock: ["clock.force-quantum": "junk"]) == 20)
        #expect(EchoCanceller.moduleArguments(prefix: "p", configuration: .init(), bufferMilliseconds: 43)
            .contains("buffer.max_size = 43"))
    }

    @Test("without targets the session manager's defaults are used; names are quoted and escaped")
    func defaultsAndQuoting() {
        let arguments = EchoCanceller.moduleArguments(prefix: "p", configuration: .init())
        #expect(!arguments.contains("target.object"))
        #expect(!arguments.contains("remote.name"))
        #expect(EchoCanceller.moduleArguments(prefix: "p", configuration: .init(), remote: "/run/x/pipewire-0")
            .contains("remote.name = \"/run/x/pipewire-0\""))
        #expect(EchoCanceller.spaString("a \"b\" \\c") == "\"a \\\"b\\\" \\\\c\"")
        let quoted = EchoCanceller.moduleArguments(prefix: "p", configuration: .init(microphone: "mic } x = \"y"))
        #expect(quoted.contains("target.object = \"mic } x = \\\"y\""))
    }

    @Test("peaks and dBFS: full scale is 0 dB, half scale -6 dB, silence -96 dB")
    func levels() {
        let samples: [Int16] = [0, 12, -32768, 300]
        let peak = samples.withUnsafeBufferPointer { samplePeak($0.baseAddress!, count: $0.count) }
        #expect(peak == 32768)
        #expect(decibelsFullScale(peak: 32768) == 0)
        #expect(abs(decibelsFullScale(peak: 16384) + 6.02) < 0.01)
        #expect(decibelsFullScale(peak: 0) == silenceDBFS)
        #expect(decibelsFullScale(peak: 1) > silenceDBFS)
    }

    @Test("the default device names come from the session manager's metadata JSON")
    func metadataName() {
        #expect(GraphRegistry.nameInMetadataJSON("{ \"name\": \"alsa_output.pci-0000_00_1f.3.analog-stereo\" }")
            == "alsa_output.pci-0000_00_1f.3.analog-stereo")
        #expect(GraphRegistry.nameInMetadataJSON("{\"name\":\"x\"}") == "x")
        #expect(GraphRegistry.nameInMetadataJSON("{}") == nil)
        #expect(GraphRegistry.nameInMetadataJSON("{ \"name\": \"\" }") == nil)
    }
}
