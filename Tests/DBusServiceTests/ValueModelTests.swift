import DBusService
import Testing

@Suite("Signatures and values")
struct ValueModelTests {
    @Test("valid signatures parse into complete types and print back", arguments: [
        "", "y", "bnqiuxtd", "sogv", "as", "ao", "ay", "a{sv}", "a{ss}", "(si)", "a(sa{sv})", "a{oa{sa{sv}}}", "aav",
    ])
    func validSignatures(_ text: String) throws {
        let signature = try DBusSignature(text)
        #expect(signature.text == text)
    }

    @Test("invalid signatures are errors, not crashes", arguments: [
        "a", "a{vs}", "a{s}", "a{sss}", "(", "()", "(s", "z", "{sv}", String(repeating: "a", count: 33) + "s",
    ])
    func invalidSignatures(_ text: String) {
        #expect(throws: DBusError.self) { try DBusSignature(text) }
    }

    @Test("a{sv} with nested variants converts both ways")
    func variantDictionary() throws {
        let options: [String: DBusValue] = [
            "model": .string("gemini"),
            "nested": DBusValue(["depth": DBusValue.uint64(3)]),
            "tags": DBusValue(["a", "b"]),
        ]
        let value = DBusValue(options)
        #expect(value.type.signature == "a{sv}")
        let back = try #require(value.as([String: DBusValue].self))
        #expect(back == options)
        #expect(try back.value("model", as: String.self) == "gemini")
        #expect(try back.value("absent", as: String.self) == nil)
        let nested = try #require(try back.value("nested", as: [String: DBusValue].self))
        #expect(try nested.value("depth", as: UInt64.self) == 3)
        #expect(try back.value("tags", as: [String].self) == ["a", "b"])
    }

    @Test("a wrongly typed option names the key and both types")
    func wrongOptionType() {
        let options: [String: DBusValue] = ["temperature": .string("hot")]
        let error = #expect(throws: DBusError.self) { try options.value("temperature", as: Double.self) }
        #expect(error?.name == .invalidArgs)
        #expect(error?.message.contains("\"temperature\"") == true)
        #expect(error?.message.contains("type d, got s") == true)
    }

    @Test("inconsistent containers and invalid paths are rejected")
    func validation() {
        #expect(throws: DBusError.self) { try DBusValue.array(element: .string, [.int32(1)]).validate() }
        #expect(throws: DBusError.self) { try DBusObjectPath("not/a/path") }
        #expect(throws: DBusError.self) { try DBusObjectPath("/trailing/") }
        #expect(throws: DBusError.self) { try DBusObjectPath("/a").appending("b/c") }
        #expect((try? DBusObjectPath("/a/b"))?.parent == (try? DBusObjectPath("/a")))
    }
}
