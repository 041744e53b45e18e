import BusTestSupport
import DBusService
import IntrospectionXML
import Synchronization

/// The interface the tests export; written like the project's `dbus/*.xml` (comments, annotations, child nodes).
let testInterfaceXML = """
    <!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
     "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
    <node>
      <!-- A test interface exercising every feature of the layer. -->
      <interface name="io.github.geminilive.Test1">
        <!-- Returns every argument unchanged. -->
        <method name="EchoAll">
          <arg name="y" type="y" direction="in"/>
          <arg name="b" type="b" direction="in"/>
          <arg name="n" type="n" direction="in"/>
          <arg name="q" type="q" direction="in"/>
          <arg name="i" type="i" direction="in"/>
          <arg name="u" type="u" direction="in"/>
          <arg name="x" type="x" direction="in"/>
          <arg name="t" type="t" direction="in"/>
          <arg name="d" type="d" direction="in"/>
          <arg name="s" type="s" direction="in"/>
          <arg name="o" type="o" direction="in"/>
          <arg name="g" type="g" direction="in"/>
          <arg name="as" type="as" direction="in"/>
          <arg name="ao" type="ao" direction="in"/>
          <arg name="ay" type="ay" direction="in"/>
          <arg name="options" type="a{sv}" direction="in"/>
          <arg name="labels" type="a{ss}" direction="in"/>
          <arg name="pair" type="(si)" direction="in"/>
          <arg name="y" type="y" direction="out"/>
          <arg name="b" type="b" direction="out"/>
          <arg name="n" type="n" direction="out"/>
          <arg name="q" type="q" direction="out"/>
          <arg name="i" type="i" direction="out"/>
          <arg name="u" type="u" direction="out"/>
          <arg name="x" type="x" direction="out"/>
          <arg name="t" type="t" direction="out"/>
          <arg name="d" type="d" direction="out"/>
          <arg name="s" type="s" direction="out"/>
          <arg name="o" type="o" direction="out"/>
          <arg name="g" type="g" direction="out"/>
          <arg name="as" type="as" direction="out"/>
          <arg name="ao" type="ao" direction="out"/>
          <arg name="ay" type="ay" direction="out"/>
          <arg name="options" type="a{sv}" direction="out"/>
          <arg name="labels" type="a{ss}" direction="out"/>
          <arg name="pair" type="(si)" direction="out"/>
        </method>
        <!-- Reads typed options out of an a{sv}. -->
        <method name="Describe">
          <arg name="options" type="a{sv}" direction="in"/>
          <arg name="summary" type="s" direction="out"/>
        </method>
        <!-- Replies only after Release is called: an async handler. -->
        <method name="Wait">
          <arg name="tag" type="s" direction="in"/>
          <arg name="tag" type="s" direction="out"/>
          <arg name="caller" type="s" direction="out"/>
        </method>
        <method name="Release"/>
        <method name="Fail">
          <arg name="name" type="s" direction="in"/>
          <arg name="message" type="s" direction="in"/>
        </method>
        <method name="Crash"/>
        <signal name="Text">
          <arg name="text" type="s"/>
          <arg name="index" type="u"/>
        </signal>
        <property name="Version" type="s" access="read"/>
        <property name="Volume" type="d" access="readwrite"/>
        <property name="Serial" type="t" access="readwrite">
          <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="invalidates"/>
        </property>
        <property name="Model" type="s" access="read">
          <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="const"/>
        </property>
      </interface>
      <node name="ignored"/>
    </node>
    """

let testInterfaceName = "io.github.geminilive.Test1"

/// State behind the exported test object, shared with the test body.
final class TestServiceState: Sendable {
    let received = Mutex<[DBusMethodCall]>([])
    let volume = Mutex(0.5)
    let serial = Mutex<UInt64>(1)
    /// Calls waiting in `Wait` until `Release`.
    let waiting = Mutex<[CheckedContinuation<Void, Never>]>([])
    let waitingCallers = Mutex<[String]>([])
    /// Handler completions in order ("Wait:<tag>", "EchoAll").
    let events = Mutex<[String]>([])

    func release() {
        let continuations = waiting.withLock { list in
            defer { list = [] }
            return list
        }
        for continuation in continuations { continuation.resume() }
    }
}

/// The failure a handler throws that is not a D-Bus error (its text must not reach the caller).
struct SecretFailure: Error, CustomStringConvertible {
    var description: String { "secret-internal-detail" }
}

/// Builds the exported test interface.
func makeTestInterface(_ state: TestServiceState) throws -> ExportedInterface {
    var interface = ExportedInterface(try InterfaceDescription.parse(xml: testInterfaceXML, interface: testInterfaceName))
    interface.onMethod("EchoAll") { call in
        state.received.withLock { $0.append(call) }
        state.events.withLock { $0.append("EchoAll") }
        return call.arguments
    }
    interface.onMethod("Describe") { call in
        let options = try call.argument(0, as: [String: DBusValue].self)
        try options.rejectUnknownKeys(["model", "temperature", "nested"])
        let model = try options.require("model", as: String.self)
        let temperature = try options.value("temperature", as: Double.self) ?? 1.0
        let nested = try options.value("nested", as: [String: DBusValue].self)
        let depth = try nested?.value("depth", as: UInt64.self)
        return [.string("model=\(model) temperature=\(temperature) depth=\(depth.map(String.init) ?? "-")")]
    }
    interface.onMethod("Wait") { call in
        let tag = try call.argument(0, as: String.self)
        await withCheckedContinuation { continuation in
            state.waiting.withLock { $0.append(continuation) }
            state.waitingCallers.withLock { $0.append(call.sender) }
        }
        state.events.withLock { $0.append("Wait:\(tag)") }
        return [.string(tag), .string(call.sender)]
    }
    interface.onMethod("Release") { _ in
        state.release()
        return []
    }
    interface.onMethod("Fail") { call in
        throw DBusError(DBusError.Name(try call.argument(0, as: String.self)), try call.argument(1, as: String.self))
    }
    interface.onMethod("Crash") { _ in throw SecretFailure() }
    interface.onProperty("Version") { .string("1.2.3") }
    interface.onProperty("Volume", get: { .double(state.volume.withLock { $0 }) }) { value in
        guard let volume = value.as(Double.self), (0...1).contains(volume) else {
            throw DBusError.invalidArgs("Volume must be between 0 and 1")
        }
        state.volume.withLock { $0 = volume }
    }
    interface.onProperty("Serial", get: { .uint64(state.serial.withLock { $0 }) }) { value in
        state.serial.withLock { $0 = value.as(UInt64.self) ?? 0 }
    }
    interface.onProperty("Model") { .string("gemini-test") }
    return interface
}

/// A connected service: connection, exported test object at `path`, and its state.
struct TestService {
    static let busName = "io.github.geminilive.Test1"
    let connection: DBusConnection
    let state: TestServiceState
    let path: DBusObjectPath

    static func start(on bus: TestBus, path: String = "/io/github/geminilive/Test1") async throws -> TestService {
        let connection = try await DBusConnection.connect(.init(address: .address(bus.address)))
        try await connection.requestName(busName)
        let state = TestServiceState()
        let objectPath = try DBusObjectPath(path)
        try await connection.export(ExportedObject(path: objectPath, interfaces: [try makeTestInterface(state)]))
        return TestService(connection: connection, state: state, path: objectPath)
    }

    /// A second, independent connection of our own layer to the same bus.
    static func client(on bus: TestBus) async throws -> DBusConnection {
        try await DBusConnection.connect(.init(address: .address(bus.address)))
    }
}
