import DBusService
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A problem in introspection XML, with the line where it was found.
public struct IntrospectionParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The 1-based line of the document, when known.
    public var line: Int

    /// `line N: message`.
    public var description: String { "Introspection XML line \(line): \(message)" }
}

extension InterfaceDescription {
    /// Parses every `<interface>` of an introspection XML document (the project's `dbus/*.xml`).
    ///
    /// Names are validated, every `type` must be exactly one complete type, and an XML comment directly before an
    /// interface, method, signal or property is kept as its ``documentation``. Child `<node>`s are ignored.
    /// - Throws: ``IntrospectionParseError``.
    public static func parse(xml: String) throws(IntrospectionParseError) -> [InterfaceDescription] {
        let parser = XMLParser(data: Data(xml.utf8))
        let builder = IntrospectionBuilder()
        parser.delegate = builder
        let ok = parser.parse()
        if let problem = builder.problem { throw problem }
        guard ok, builder.openElements == 0 else {
            throw IntrospectionParseError(
                message: parser.parserError.map { "malformed XML (\($0.localizedDescription))" } ?? "malformed XML",
                line: parser.lineNumber)
        }
        return builder.interfaces
    }

    /// Parses the interface named `name` out of an introspection XML document.
    /// - Throws: ``IntrospectionParseError`` when the XML is invalid or does not declare that interface.
    public static func parse(xml: String, interface name: String) throws(IntrospectionParseError) -> InterfaceDescription {
        guard let found = try parse(xml: xml).first(where: { $0.name == name }) else {
            throw IntrospectionParseError(message: "no interface named \(name)", line: 0)
        }
        return found
    }
}

/// XMLParser delegate building ``InterfaceDescription``s; lives only for one `parse` call.
private final class IntrospectionBuilder: NSObject, XMLParserDelegate {
    private(set) var interfaces: [InterfaceDescription] = []
    private(set) var problem: IntrospectionParseError?
    /// Elements started but not ended; non-zero after parsing means a truncated document.
    private(set) var openElements = 0

    private enum Member {
        case method(InterfaceDescription.Method)
        case signal(InterfaceDescription.Signal)
        case property(InterfaceDescription.Property)
    }

    private var interface: InterfaceDescription?
    private var member: Member?
    private var argument: InterfaceDescription.Argument?
    private var argumentIsOut = false
    private var pendingComment: String?

    func parser(_ parser: XMLParser, foundComment comment: String) {
        let trimmed = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        pendingComment = trimmed.isEmpty ? nil : comment
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        openElements += 1
        guard problem == nil else { return }
        let comment = pendingComment
        pendingComment = nil
        do {
            try start(elementName, attributes, comment: comment, line: parser.lineNumber)
        } catch {
            problem = error
            parser.abortParsing()
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        openElements -= 1
        guard problem == nil else { return }
        pendingComment = nil
        switch elementName {
        case "interface":
            if let interface { interfaces.append(resolvingEmitsChanged(interface)) }
            interface = nil
        case "method", "signal", "property":
            switch member {
            case .method(let m): interface?.methods.append(m)
            case .signal(let s): interface?.signals.append(s)
            case .property(let p): interface?.properties.append(p)
            case nil: break
            }
            member = nil
        case "arg":
            guard let argument else { break }
            switch member {
            case .method(var m):
                if argumentIsOut { m.outArguments.append(argument) } else { m.inArguments.append(argument) }
                member = .method(m)
            case .signal(var s):
                s.arguments.append(argument)
                member = .signal(s)
            default: break
            }
            self.argument = nil
        default:
            break
        }
    }

    private func start(
        _ element: String, _ attributes: [String: String], comment: String?, line: Int
    ) throws(IntrospectionParseError) {
        func fail(_ message: String) -> IntrospectionParseError {
            IntrospectionParseError(message: message, line: line)
        }
        func name() throws(IntrospectionParseError) -> String {
            guard let value = attributes["name"], !value.isEmpty else { throw fail("<\(element)> without a name") }
            return value
        }
        func type() throws(IntrospectionParseError) -> DBusType {
            let text = attributes["type"] ?? ""
            guard let signature = try? DBusSignature(text), signature.types.count == 1, let type = signature.types.first
            else { throw fail("<\(element)> has type \"\(text)\", which is not one complete D-Bus type") }
            return type
        }
        switch element {
        case "interface":
            guard interface == nil else { throw fail("nested <interface>") }
            let interfaceName = try name()
            do { try BusNames.validateInterface(interfaceName) } catch { throw fail(error.message) }
            interface = InterfaceDescription(name: interfaceName, documentation: comment)
        case "method", "signal", "property":
            guard interface != nil, member == nil else { throw fail("<\(element)> outside an <interface>") }
            let memberName = try name()
            do { try BusNames.validateMember(memberName) } catch { throw fail(error.message) }
            switch element {
            case "method":
                member = .method(InterfaceDescription.Method(name: memberName, documentation: comment))
            case "signal":
                member = .signal(InterfaceDescription.Signal(name: memberName, documentation: comment))
            default:
                let accessText = attributes["access"] ?? ""
                guard let access = InterfaceDescription.Access(rawValue: accessText) else {
                    throw fail("property \(memberName) has access \"\(accessText)\"; expected read, write or readwrite")
                }
                member = .property(InterfaceDescription.Property(
                    name: memberName, type: try type(), access: access, documentation: comment))
            }
        case "arg":
            let direction = attributes["direction"] ?? "in"
            switch member {
            case .method:
                guard direction == "in" || direction == "out" else {
                    throw fail("argument direction \"\(direction)\"; expected in or out")
                }
                argumentIsOut = direction == "out"
            case .signal:
                argumentIsOut = true
            default:
                throw fail("<arg> outside a <method> or <signal>")
            }
            argument = InterfaceDescription.Argument(name: attributes["name"], type: try type())
        case "annotation":
            let annotation = InterfaceDescription.Annotation(name: try name(), value: attributes["value"] ?? "")
            if argument != nil {
                argument?.annotations.append(annotation)
            } else {
                switch member {
                case .method(var m): m.annotations.append(annotation); member = .method(m)
                case .signal(var s): s.annotations.append(annotation); member = .signal(s)
                case .property(var p): p.annotations.append(annotation); member = .property(p)
                case nil: interface?.annotations.append(annotation)
                }
            }
        default:
            break
        }
    }

    /// Applies the EmitsChangedSignal annotation: the property's own, else the interface's, else `true`.
    private func resolvingEmitsChanged(_ interface: InterfaceDescription) -> InterfaceDescription {
        let annotationName = InterfaceDescription.EmitsChangedSignal.annotationName
        func setting(_ annotations: [InterfaceDescription.Annotation]) -> InterfaceDescription.EmitsChangedSignal? {
            annotations.last { $0.name == annotationName }.flatMap { .init(rawValue: $0.value) }
        }
        let fallback = setting(interface.annotations) ?? .true
        var resolved = interface
        for index in resolved.properties.indices {
            resolved.properties[index].emitsChangedSignal = setting(resolved.properties[index].annotations) ?? fallback
        }
        return resolved
    }
}
