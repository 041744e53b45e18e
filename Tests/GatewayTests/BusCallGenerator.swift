import DBusService
import FuzzSupport
import Gateway

/// Random method calls for the gateway's D-Bus surface: every method the gateway's objects declare (its two
/// interfaces and the standard ones), on known, closed and unknown object paths, with the declared signature and
/// random values, with random signatures, with an argument too many or too few; `StartSession` with random
/// `a{sv}` options (known and unknown keys, right and wrong types, nested `vad` dictionaries); Properties calls
/// on unknown interfaces and properties; unknown interfaces and methods. Only valid names and paths: the call
/// must reach the gateway.
struct BusCallGenerator {
    /// One call.
    struct Call: CustomStringConvertible {
        var path: DBusObjectPath
        var interface: String
        var member: String
        var arguments: [DBusValue]

        var description: String {
            let shown = arguments.map { String("\($0)".prefix(120)) }.joined(separator: ", ")
            return "\(interface).\(member) on \(path.rawValue) (\(DBusValue.signature(of: arguments).text)): \(shown)"
        }
    }

    /// An object of the gateway and the interfaces it declares (from introspection, the standard ones included).
    struct Target {
        var path: DBusObjectPath
        var interfaces: [InterfaceDescription]
    }

    /// The objects that exist (the manager, a session); calls go mostly to them, with their own interfaces. A
    /// test replaces a target's path when the fuzzer closed that session.
    var targets: [Target]
    /// Every interface of every target.
    let interfaces: [InterfaceDescription]

    /// The targets' paths and paths where nothing is exported.
    var paths: [DBusObjectPath] { targets.map(\.path) + Self.randomPaths }

    init(targets: [Target]) {
        self.targets = targets
        var byName: [String: InterfaceDescription] = [:]
        for interface in targets.flatMap(\.interfaces) { byName[interface.name] = interface }
        interfaces = byName.values.sorted { $0.name < $1.name }
    }

    func makeCall(_ rng: inout SplitMix64) -> Call {
        let target = rng.pick(targets)
        let path = rng.chance(3, in: 4) ? target.path : rng.pick(paths)
        switch rng.below(12) {
        case 0...5:
            let interface = rng.chance(3, in: 4) ? rng.pick(target.interfaces) : rng.pick(interfaces)
            guard !interface.methods.isEmpty else { return unknownMember(path, interface.name, &rng) }
            let method = rng.pick(interface.methods)
            return Call(path: path, interface: interface.name, member: method.name, arguments: arguments(for: method, &rng))
        case 6, 7:
            return Call(
                path: path, interface: GatewayConfiguration.managerInterface, member: "StartSession",
                arguments: rng.chance(7, in: 8) ? [Self.startSessionOptions(&rng)] : Self.randomArguments(&rng))
        case 8, 9:
            return propertiesCall(path, &rng)
        default:
            return unknownMember(path, rng.pick(interfaces.map(\.name) + Self.unknownInterfaces), &rng)
        }
    }

    // MARK: Arguments

    private func arguments(for method: InterfaceDescription.Method, _ rng: inout SplitMix64) -> [DBusValue] {
        let declared = method.inArguments.map(\.type)
        switch rng.below(8) {
        case 0...4:
            return declared.map { Self.value(of: $0, depth: 0, &rng) }
        case 5:
            return Self.randomArguments(&rng)
        case 6:
            return declared.map { Self.value(of: $0, depth: 0, &rng) } + [Self.value(of: Self.randomType(depth: 1, &rng), depth: 0, &rng)]
        default:
            return Array(declared.dropLast()).map { Self.value(of: $0, depth: 0, &rng) }
        }
    }

    private func propertiesCall(_ path: DBusObjectPath, _ rng: inout SplitMix64) -> Call {
        let interfaceNames = interfaces.map(\.name) + Self.unknownInterfaces + [""]
        let propertyNames = interfaces.flatMap { $0.properties.map(\.name) } + ["NoSuchProperty", "", "version", "Sessions "]
        let interface = rng.pick(interfaceNames)
        let arguments: (String, [DBusValue])
        switch rng.below(4) {
        case 0: arguments = ("GetAll", [.string(interface)])
        case 1:
            arguments = ("Set", [.string(interface), .string(rng.pick(propertyNames)), .variant(Self.value(of: Self.randomType(depth: 1, &rng), depth: 1, &rng))])
        default: arguments = ("Get", [.string(interface), .string(rng.pick(propertyNames))])
        }
        return Call(path: path, interface: "org.freedesktop.DBus.Properties", member: arguments.0, arguments: arguments.1)
    }

    private func unknownMember(_ path: DBusObjectPath, _ interface: String, _ rng: inout SplitMix64) -> Call {
        let member = rng.chance(1, in: 2) ? rng.pick(Self.unknownMembers) : Self.randomMemberName(&rng)
        return Call(path: path, interface: interface, member: member, arguments: Self.randomArguments(&rng))
    }

    static func randomArguments(_ rng: inout SplitMix64) -> [DBusValue] {
        (0..<rng.int(in: 0...4)).map { _ in value(of: randomType(depth: 2, &rng), depth: 0, &rng) }
    }

    // MARK: StartSession options

    /// An `a{sv}` of StartSession options: mostly known keys with plausible or wrongly typed values, some unknown.
    static func startSessionOptions(_ rng: inout SplitMix64) -> DBusValue {
        var options: [DBusValue: DBusValue] = [:]
        for _ in 0..<rng.int(in: 0...5) {
            let key = rng.chance(5, in: 6) ? rng.pick(SessionOptions.keys.keys.sorted()) : oddString(&rng)
            options[.string(key)] = .variant(optionValue(key, &rng))
        }
        return .dictionary(key: .string, value: .variant, options)
    }

    private static func optionValue(_ key: String, _ rng: inout SplitMix64) -> DBusValue {
        if rng.chance(1, in: 4) { return value(of: randomType(depth: 2, &rng), depth: 1, &rng) }
        switch (key, SessionOptions.keys[key]) {
        case ("vad", _):
            var vad: [DBusValue: DBusValue] = [:]
            for _ in 0..<rng.int(in: 0...4) {
                let vadKey = rng.pick(["disabled", "start_sensitivity", "end_sensitivity", "prefix_padding_ms", "silence_duration_ms", "unknown", ""])
                vad[.string(vadKey)] = .variant(
                    rng.chance(1, in: 2) ? value(of: randomType(depth: 1, &rng), depth: 2, &rng)
                        : rng.pick([.boolean(true), .string("high"), .string("LOW"), .string("medium"), .uint32(0), .uint32(.max), .int32(-1)]))
            }
            return rng.chance(1, in: 8) ? .variant(.dictionary(key: .string, value: .variant, vad)) : .dictionary(key: .string, value: .variant, vad)
        case ("model", _): return .string(rng.pick(["gemini-3.8-live", "gemini-2.0-flash-live-001", "", "models/x", "gemini-9.9-imaginary-live"]))
        case ("response_modality", _): return .string(rng.pick(["AUDIO", "TEXT", "audio", "IMAGE", ""]))
        case ("activity_handling", _): return .string(rng.pick(["interrupts", "no-interruption", "NO_INTERRUPTION", "sometimes"]))
        case ("tools", _):
            return .string(rng.pick([
                #"[{"name": "get_weather", "description": "w", "parameters": {"type": "OBJECT"}}]"#, "[]", "{}", "[1]",
                "not json", "[{\"name\": \"\"}]", "", String(repeating: "[", count: 513),
            ]))
        case ("handle_token", _): return .string(rng.pick(["t1", "", String(repeating: "a", count: 65), "bad-token", "ok_\(rng.below(1_000))"]))
        case ("audio_input", _): return .string(rng.pick(["sink", "none", "default-mic", "", "alsa_input.nonexistent"]))
        case ("temperature", _): return .double(rng.pick([0, 1, 2, -1, 1e308, .infinity, -.infinity, .nan, .ulpOfOne]))
        case ("idle_timeout", _), ("audio_chunk_ms", _), ("jitter_buffer_ms", _):
            return .uint32(rng.pick([0, 1, 19, 20, 100, 1_000, 1_001, 2_000, 2_001, .max]))
        case (_, "b"?): return .boolean(rng.chance(1, in: 2))
        case (_, "s"?): return .string(oddString(&rng))
        default: return value(of: randomType(depth: 2, &rng), depth: 1, &rng)
        }
    }

    // MARK: Values

    static func randomType(depth: Int, _ rng: inout SplitMix64) -> DBusType {
        let basic: [DBusType] = [.byte, .boolean, .int16, .uint16, .int32, .uint32, .int64, .uint64, .double, .string, .objectPath, .signature]
        guard depth > 0, rng.chance(1, in: 3) else { return rng.chance(1, in: 6) ? .variant : rng.pick(basic) }
        switch rng.below(3) {
        case 0: return .array(randomType(depth: depth - 1, &rng))
        case 1: return .dictionary(key: rng.pick(basic), value: randomType(depth: depth - 1, &rng))
        default: return .structure((0..<rng.int(in: 1...3)).map { _ in randomType(depth: depth - 1, &rng) })
        }
    }

    /// A random value of `type`; variants nest at most a few levels.
    static func value(of type: DBusType, depth: Int, _ rng: inout SplitMix64) -> DBusValue {
        switch type {
        case .byte: return .byte(rng.byte())
        case .boolean: return .boolean(rng.chance(1, in: 2))
        case .int16: return .int16(rng.pick([0, 1, -1, .min, .max]))
        case .uint16: return .uint16(rng.pick([0, 1, .max]))
        case .int32: return .int32(rng.pick([0, 1, -1, .min, .max]))
        case .uint32: return .uint32(rng.pick([0, 1, 20, 600, .max]))
        case .int64: return .int64(rng.pick([0, -1, .min, .max]))
        case .uint64: return .uint64(rng.pick([0, 1, .max]))
        case .double: return .double(rng.pick([0, -0.0, 1.5, .nan, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude]))
        case .string: return .string(oddString(&rng))
        case .objectPath: return .objectPath(rng.pick(randomPaths))
        case .signature: return .signature(rng.pick(signatures))
        case .unixFD: return .uint32(0)  // never drawn: descriptors cannot be sent through this layer
        case .variant:
            let inner = depth < 3 ? randomType(depth: 1, &rng) : .string
            return .variant(value(of: inner, depth: depth + 1, &rng))
        case .array(let element):
            return .array(element: element, (0..<rng.int(in: 0...3)).map { _ in value(of: element, depth: depth + 1, &rng) })
        case .dictionary(let key, let valueType):
            var entries: [DBusValue: DBusValue] = [:]
            for _ in 0..<rng.int(in: 0...3) { entries[value(of: key, depth: depth + 1, &rng)] = value(of: valueType, depth: depth + 1, &rng) }
            return .dictionary(key: key, value: valueType, entries)
        case .structure(let fields):
            return .structure(fields.map { value(of: $0, depth: depth + 1, &rng) })
        }
    }

    /// Strings D-Bus can carry (valid UTF-8 without NUL) that a handler may not expect.
    static func oddString(_ rng: inout SplitMix64) -> String {
        switch rng.below(10) {
        case 0: return ""
        case 1: return String(repeating: rng.pick(["a", "é", "😀", "\u{202E}"]), count: rng.pick([1_000, 70_000, 1_100_000]))
        case 2: return rng.pick(["{}", "[", "null", #"{"temperature": 20}"#, #"{"a": [1, 2, {"b": null}]}"#, "1e400", "\"\""])
        case 3: return rng.pick(["\u{FEFF}", "\u{FFFF}", "\u{10FFFF}", "e\u{0301}\u{0301}", "👩‍👩‍👧‍👦", "\u{200B}", "\u{1}\u{1F}\u{7F}", "\r\n\t"])
        default: return rng.pick(["hello", "Hello, how are you?", "gemini-3.8-live", "Kore", "en-US", "call-1", "/", "a b c", "İı"])
        }
    }

    static let randomPaths: [DBusObjectPath] = ([
        "/", "/io", "/io/github/geminilive/Gateway1", "/io/github/geminilive/Gateway1/session",
        "/io/github/geminilive/Gateway1/session/999999", "/io/github/geminilive/Gateway1/session/0",
        "/io/github/geminilive/Gateway1/session/_1_2_x", "/org/freedesktop/DBus", "/a/b/c/d/e/f/g/h",
    ] as [String]).compactMap { try? DBusObjectPath($0) }

    static let signatures: [DBusSignature] = (["", "s", "a{sv}", "(ii)", "aaaaai", "v", "a{oa{sa{sv}}}"] as [String]).compactMap { try? DBusSignature($0) }

    static let unknownInterfaces = [
        "io.github.geminilive.Gateway1.Nope", "io.github.geminilive.Gateway2", "org.example.Unknown",
        "org.freedesktop.DBus.ObjectManager", "org.freedesktop.DBus.Peer", "org.freedesktop.DBus.Introspectable",
    ]

    static let unknownMembers = [
        "NoSuchMethod", "startSession", "StartSession2", "Get", "Set", "GetAll", "Ping", "GetMachineId", "Introspect",
        "GetManagedObjects", "Close", "SendText", "_", "A",
    ]

    static func randomMemberName(_ rng: inout SplitMix64) -> String {
        let first = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
        let rest = first + Array("0123456789")
        return String(rng.pick(first)) + String((0..<rng.pick([0, 5, 30, 254])).map { _ in rng.pick(rest) })
    }
}
