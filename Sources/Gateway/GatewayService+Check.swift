import AudioNodes
import DBusService
import Logging

extension GatewayService {
    /// `CheckService(a{sv} options) → a{sv}`: asks the endpoint about the key and a model (the
    /// `model` option, else `DefaultModel`) with the gateway's own credential, so no client needs
    /// the key or a network stack of its own.
    func checkService(_ call: DBusMethodCall) async throws -> [DBusValue] {
        let options = try call.argument(0, as: [String: DBusValue].self)
        try options.rejectUnknownKeys(["model"])
        let requested = try options.value("model", as: String.self).flatMap { $0.isEmpty ? nil : $0 } ?? defaultModelID
        let check = await ServiceCheck.run(
            model: requested, client: configuration.client, backend: configuration.backend,
            notConfigured: configuration.notConfiguredMessage)
        let reply = check.dictionary
        logger.info("CheckService of \(check.model): ok \(reply["ok"] == .boolean(true))")
        return [
            .dictionary(
                key: .string, value: .variant,
                Dictionary(uniqueKeysWithValues: reply.map { (DBusValue.string($0.key), DBusValue.variant($0.value)) }))
        ]
    }

    /// `CheckEcho() → a{sv}`: the echo check (``AudioBackend/checkEcho(logger:)``).
    func checkEcho(_ call: DBusMethodCall) async throws -> [DBusValue] {
        guard let audio else {
            throw DBusError(GatewayError.audioUnavailable, "The gateway runs without audio (--no-audio); restart it without that option.")
        }
        let check = try await audio.checkEcho(logger: logger)
        let m = check.measurement
        let reply: [String: DBusValue] = [
            "microphone": .string(check.microphone.name), "speakers": .string(check.speakers.name),
            "delay_ms": .double(m.delayMilliseconds), "erle_db": .double(m.erleDecibels),
            "raw_echo_dbfs": .double(m.rawEchoDBFS), "cancelled_dbfs": .double(m.cancelledDBFS),
            "headphones": .boolean(m.recommendsHeadphones), "advice": .string(m.advice),
        ]
        return [
            .dictionary(
                key: .string, value: .variant,
                Dictionary(uniqueKeysWithValues: reply.map { (DBusValue.string($0.key), DBusValue.variant($0.value)) }))
        ]
    }
}
