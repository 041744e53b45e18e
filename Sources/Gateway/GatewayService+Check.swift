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
}
