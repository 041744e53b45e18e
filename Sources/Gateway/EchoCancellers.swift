import AudioNodes
import Logging
import Synchronization

/// The echo cancellers the sessions share: one per microphone and speakers pair, loaded when the
/// first session needs it and unloaded when the last one lets go (it forces a 10 ms quantum on
/// the whole graph while it runs).
final class EchoCancellers: Sendable {
    private struct Entry {
        var canceller: EchoCanceller
        var users: Int
    }

    private struct State {
        var entries: [EchoCanceller.Configuration: Entry] = [:]
        var nextNumber = 1
    }

    private let state = Mutex(State())
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// The canceller between `configuration`'s microphone and speakers, loaded if none runs.
    /// Release it with ``release(_:)``.
    func acquire(_ configuration: EchoCanceller.Configuration, pipeWire: PipeWireLoop) throws(AudioNodesError)
        -> EchoCanceller
    {
        try state.withLock { (state) throws(AudioNodesError) -> EchoCanceller in
            if var entry = state.entries[configuration] {
                if entry.canceller.isRunning {
                    entry.users += 1
                    state.entries[configuration] = entry
                    return entry.canceller
                }
                // It unloaded itself with its PipeWire connection: load a new one.
                entry.canceller.close()
                state.entries[configuration] = nil
            }
            let canceller = try EchoCanceller(pipeWire: pipeWire, name: "gemini-live-echo-\(state.nextNumber)",
                                              configuration: configuration, logger: logger)
            state.nextNumber += 1
            state.entries[configuration] = Entry(canceller: canceller, users: 1)
            return canceller
        }
    }

    /// One user fewer; the last one unloads the canceller.
    func release(_ canceller: EchoCanceller) {
        let last = state.withLock { state -> EchoCanceller? in
            guard var entry = state.entries[canceller.configuration], entry.canceller === canceller else {
                return canceller
            }
            entry.users -= 1
            guard entry.users <= 0 else {
                state.entries[canceller.configuration] = entry
                return nil
            }
            state.entries[canceller.configuration] = nil
            return canceller
        }
        last?.close()
    }

    /// How many cancellers run now.
    var count: Int { state.withLock { $0.entries.count } }

    /// Unloads every canceller (the backend stops).
    func closeAll() {
        let all = state.withLock { state -> [EchoCanceller] in
            defer { state.entries = [:] }
            return state.entries.values.map(\.canceller)
        }
        all.forEach { $0.close() }
    }
}
