import CDBus
import Dispatch
import Logging

/// Routing of incoming method calls to exported objects and the standard interfaces.
extension ConnectionCore {
    /// The outcome of routing a call: an immediate reply, or work that replies later from the queue.
    enum Routed {
        case reply([DBusValue])
        case failure(DBusError)
        case later
    }

    /// Entry point from libdbus' `/` fallback handler (on the queue). Every method call gets exactly one reply.
    func handleObjectMessage(_ message: BusMessage) -> DBusHandlerResult {
        guard message.type == DBUS_MESSAGE_TYPE_METHOD_CALL else { return DBUS_HANDLER_RESULT_NOT_YET_HANDLED }
        switch route(message) {
        case .reply(let values): reply(to: message, with: .success(values))
        case .failure(let error): reply(to: message, with: .failure(error))
        case .later: break
        }
        return DBUS_HANDLER_RESULT_HANDLED
    }

    /// Sends the reply (or error reply) to a call, unless the caller asked for none. Call on the queue.
    func reply(to call: BusMessage, with result: Result<[DBusValue], DBusError>) {
        guard !call.noReplyExpected else { return }
        var outcome = result
        if case .success(let values) = result, let reply = call.methodReturn() {
            do {
                try reply.append(values)
                return send(reply)
            } catch {
                logger.error("Cannot encode a reply", metadata: ["member": "\(call.member ?? "")", "error": "\(error)"])
                outcome = .failure(.failed("The reply could not be encoded"))
            }
        }
        if case .failure(let error) = outcome, let reply = call.errorReply(error) {
            send(reply)
        }
    }

    /// Runs async work for a call off the queue and replies from the queue when it finishes.
    ///
    /// The work starts after the previous call from the same sender to the same object has been answered, so a
    /// peer's calls to one object are handled in the order it sent them.
    func replyLater(to call: BusMessage, _ work: @escaping @Sendable () async throws(DBusError) -> [DBusValue]) -> Routed {
        let key = CallChainKey(sender: call.sender ?? "", path: call.path ?? "/")
        let previous = callChains[key]?.task
        nextCallToken += 1
        let token = nextCallToken
        let task = Task {
            await previous?.value
            let result: Result<[DBusValue], DBusError>
            do throws(DBusError) { result = .success(try await work()) } catch { result = .failure(error) }
            self.queue.async {
                self.reply(to: call, with: result)
                if self.callChains[key]?.token == token { self.callChains[key] = nil }
            }
        }
        callChains[key] = (token, task)
        return .later
    }

    private func route(_ message: BusMessage) -> Routed {
        let path = DBusObjectPath(unchecked: message.path ?? "/")
        let member = message.member ?? ""
        let object = objects[path]
        let isManager = managers.contains(path)
        guard object != nil || isManager || hasDescendants(path) else {
            if let explained = missingObjectExplainer?(path) { return .failure(explained) }
            return .failure(DBusError(.unknownObject, "No object at \(path); exported objects: \(exportedPathList())"))
        }
        switch message.interface {
        case StandardInterfaces.introspectableName?:
            return standardCall(StandardInterfaces.introspectable, member, message) { .reply([.string(self.introspect(path))]) }
        case StandardInterfaces.propertiesName? where object != nil:
            return standardCall(StandardInterfaces.properties, member, message) { self.handleProperties(member, message, object) }
        case StandardInterfaces.objectManagerName? where isManager:
            return standardCall(StandardInterfaces.objectManager, member, message) { self.managedObjects(below: path, for: message) }
        case let name?:
            guard let object, let interface = object.interface(named: name) else {
                return .failure(DBusError(
                    .unknownInterface, "Object \(path) has no interface \(name); it has: \(interfaceNames(at: path).joined(separator: ", "))"))
            }
            return call(interface, member, message, path: path)
        case nil:
            if let interface = object?.interfaces.first(where: { $0.description.method(named: member) != nil }) {
                return call(interface, member, message, path: path)
            }
            if member == "Introspect" {
                return standardCall(StandardInterfaces.introspectable, member, message) { .reply([.string(self.introspect(path))]) }
            }
            return .failure(DBusError(.unknownMethod, "Object \(path) has no method \(member)"))
        }
    }

    /// Checks a call against a method declaration: it must exist and its signature must match exactly.
    private func check(_ description: InterfaceDescription, _ member: String, _ message: BusMessage) -> DBusError? {
        guard let method = description.method(named: member) else {
            let known = description.methods.map { "\($0.name)(\($0.inSignature.text))" }.joined(separator: ", ")
            return DBusError(.unknownMethod, "Interface \(description.name) has no method \(member); it has: \(known)")
        }
        let received = message.signature
        guard received == method.inSignature.text else {
            return .invalidArgs(
                "Invalid arguments for \(description.name).\(member): expected signature \"\(method.inSignature.text)\", "
                    + "received \"\(received)\"")
        }
        return nil
    }

    private func standardCall(
        _ description: InterfaceDescription, _ member: String, _ message: BusMessage, _ body: () -> Routed
    ) -> Routed {
        if let error = check(description, member, message) { return .failure(error) }
        return body()
    }

    /// Validates and runs a handler of an exported interface.
    private func call(_ interface: ExportedInterface, _ member: String, _ message: BusMessage, path: DBusObjectPath) -> Routed {
        if let error = check(interface.description, member, message) { return .failure(error) }
        guard let method = interface.description.method(named: member), let handler = interface.methodHandlers[member] else {
            return .failure(DBusError(.unknownMethod, "\(interface.name).\(member) has no handler"))
        }
        let arguments: [DBusValue]
        do { arguments = try message.arguments() } catch { return .failure(error) }
        let call = DBusMethodCall(
            sender: message.sender ?? "", path: path, interface: interface.name, member: member, arguments: arguments)
        let logger = self.logger
        return replyLater(to: message) { () throws(DBusError) -> [DBusValue] in
            let values: [DBusValue]
            do {
                values = try await handler(call)
            } catch let error as DBusError {
                throw error
            } catch {
                logger.error("Method handler failed", metadata: ["method": "\(call.interface).\(member)", "error": "\(error)"])
                throw .failed("\(call.interface).\(member) failed")
            }
            let returned = DBusValue.signature(of: values)
            guard returned == method.outSignature else {
                logger.error(
                    "Method handler returned the wrong signature",
                    metadata: ["method": "\(call.interface).\(member)", "expected": "\(method.outSignature)", "returned": "\(returned)"])
                throw .failed("\(call.interface).\(member) produced an invalid reply")
            }
            return values
        }
    }

    // MARK: Tree

    /// Whether some exported object or manager lies below `path` (so `path` is an intermediate node).
    func hasDescendants(_ path: DBusObjectPath) -> Bool {
        objects.keys.contains { $0.isDescendant(of: path) } || managers.contains { $0.isDescendant(of: path) }
    }

    /// The names of the direct child nodes of `path`, sorted.
    func childNodes(of path: DBusObjectPath) -> [String] {
        let prefix = path.rawValue == "/" ? "/" : path.rawValue + "/"
        var children: Set<String> = []
        for node in Array(objects.keys) + Array(managers) where node.isDescendant(of: path) {
            let rest = node.rawValue.dropFirst(prefix.count)
            if let element = rest.split(separator: "/").first { children.insert(String(element)) }
        }
        return children.sorted()
    }

    /// Every interface name served at `path`, the object's own first.
    func interfaceNames(at path: DBusObjectPath) -> [String] {
        standardInterfaces(at: path).reduce(into: objects[path]?.interfaces.map(\.name) ?? []) { $0.append($1.name) }
    }

    private func standardInterfaces(at path: DBusObjectPath) -> [InterfaceDescription] {
        var list = [StandardInterfaces.introspectable, StandardInterfaces.peer]
        if objects[path] != nil { list.append(StandardInterfaces.properties) }
        if managers.contains(path) { list.append(StandardInterfaces.objectManager) }
        return list
    }

    private func introspect(_ path: DBusObjectPath) -> String {
        let own = objects[path]?.interfaces.map(\.description) ?? []
        return IntrospectionWriter.document(interfaces: own + standardInterfaces(at: path), children: childNodes(of: path))
    }

    private func exportedPathList() -> String {
        let paths = objects.keys.sorted().map(\.rawValue)
        guard !paths.isEmpty else { return "none" }
        return paths.prefix(10).joined(separator: ", ") + (paths.count > 10 ? ", … (\(paths.count) in all)" : "")
    }
}
