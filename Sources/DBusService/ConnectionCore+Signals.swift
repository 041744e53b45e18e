import CDBus
import Dispatch
import Logging

/// Subscriptions to other connections' signals: `AddMatch` on the bus, delivery from the message filter.
extension ConnectionCore {
    /// Weak registry entry so that dropping a ``SignalSubscription`` ends it.
    struct WeakSignalSubscription {
        weak var subscription: SignalSubscription?
        let rule: DBusMatchRule
    }

    func subscribe(to rule: DBusMatchRule) async throws(DBusError) -> SignalSubscription {
        try rule.validate()
        var owner: String?
        if let sender = rule.sender, !sender.hasPrefix(":") {
            owner = try? await callBus("GetNameOwner", [.string(sender)]).first?.as(String.self)
        }
        let senderOwner = owner
        let subscription: SignalSubscription = try await onQueue { () throws(DBusError) -> SignalSubscription in
            guard self.connection != nil else { throw Self.disconnectedError }
            self.nextWatchID += 1
            let subscription = SignalSubscription(rule: rule, id: self.nextWatchID, senderOwner: senderOwner)
            self.signalSubscriptions[subscription.id] = WeakSignalSubscription(subscription: subscription, rule: rule)
            return subscription
        }
        do {
            _ = try await callBus("AddMatch", [.string(rule.description)])
        } catch {
            subscription.setCancelHandler { [self, id = subscription.id] in
                queue.async { self.removeSubscription(id: id, removingMatch: false) }
            }
            subscription.cancel()
            throw error
        }
        subscription.setCancelHandler { [self, id = subscription.id] in
            queue.async { self.removeSubscription(id: id) }
        }
        return subscription
    }

    /// Unregisters a subscription and removes the one copy of its rule it added.
    private func removeSubscription(id: UInt64, removingMatch: Bool = true) {
        guard let entry = signalSubscriptions.removeValue(forKey: id), connection != nil, removingMatch else { return }
        let rule = entry.rule.description
        Task {
            do {
                _ = try await self.callBus("RemoveMatch", [.string(rule)])
            } catch {
                self.logger.debug("RemoveMatch failed", metadata: ["rule": "\(rule)", "error": "\(error)"])
            }
        }
    }

    /// Delivers a received signal to every matching subscription. Call on the queue.
    func deliverToSubscriptions(_ message: BusMessage) {
        guard !signalSubscriptions.isEmpty, let interface = message.interface, let member = message.member,
              let rawPath = message.path, let path = try? DBusObjectPath(rawPath) else { return }
        let arguments: [DBusValue]
        do {
            arguments = try message.arguments()
        } catch {
            logger.debug("Undecodable signal", metadata: ["member": "\(member)", "error": "\(error)"])
            return
        }
        let signal = DBusSignal(
            sender: message.sender ?? "", path: path, interface: interface, member: member, arguments: arguments)
        for entry in signalSubscriptions.values {
            guard let subscription = entry.subscription,
                  entry.rule.matches(signal, senderOwner: subscription.senderOwner) else { continue }
            subscription.continuation.yield(signal)
        }
    }
}
