import DBusService
import LiveProtocol
import Logging
import Synchronization

extension GatewayService {
    /// The part of the configuration that may change while the gateway runs.
    struct Adjustable: Sendable {
        /// Options a new session gets when StartSession does not set them.
        var defaults: SessionConfiguration
        /// Open sessions one caller may have.
        var maxSessionsPerOwner: Int
    }

    /// Replaces the options new sessions default to and the number of sessions one caller may
    /// have, e.g. after the configuration file was read again. Open sessions keep the options they
    /// started with, and a caller over a lowered limit keeps its sessions but cannot start more.
    /// Emits `PropertiesChanged` for `DefaultModel` when the default model changed.
    ///
    /// - Parameters:
    ///   - defaults: The options of sessions that do not set them.
    ///   - maxSessionsPerOwner: Open sessions one caller may have; values below 1 count as 1.
    public func updateDefaults(_ defaults: SessionConfiguration, maxSessionsPerOwner: Int) async {
        let previousModel = defaultModelID
        adjustable.withLock {
            $0 = Adjustable(defaults: defaults, maxSessionsPerOwner: max(1, maxSessionsPerOwner))
        }
        let model = defaultModelID
        guard model != previousModel, let bus = registry.withLock({ $0.bus }) else { return }
        do {
            try await bus.emitPropertiesChanged(
                path: try DBusObjectPath(GatewayConfiguration.managerPath),
                interface: GatewayConfiguration.managerInterface, changed: ["DefaultModel": .string(model)])
        } catch {
            logger.debug("PropertiesChanged not sent for DefaultModel: \(error)")
        }
    }

    /// The `DefaultModel` property: the model id of sessions that name none.
    public var defaultModelID: String {
        adjustable.withLock { Setup(model: $0.defaults.model).modelID }
    }
}
