import CDBus

/// Reads ``DBusValue``s out of a `DBusMessageIter` (libdbus' variadic `dbus_message_get_args` is unavailable in Swift).
enum MessageReader {
    static func read(_ iterator: inout DBusMessageIter) throws(DBusError) -> DBusValue {
        let code = dbus_message_iter_get_arg_type(&iterator)
        switch code {
        case DBusTypeCode.byte: return .byte(basic(&iterator, UInt8(0)))
        case DBusTypeCode.boolean: return .boolean(basic(&iterator, dbus_bool_t(0)) != 0)
        case DBusTypeCode.int16: return .int16(basic(&iterator, Int16(0)))
        case DBusTypeCode.uint16: return .uint16(basic(&iterator, UInt16(0)))
        case DBusTypeCode.int32: return .int32(basic(&iterator, Int32(0)))
        case DBusTypeCode.uint32: return .uint32(basic(&iterator, UInt32(0)))
        case DBusTypeCode.int64: return .int64(basic(&iterator, Int64(0)))
        case DBusTypeCode.uint64: return .uint64(basic(&iterator, UInt64(0)))
        case DBusTypeCode.double: return .double(basic(&iterator, Double(0)))
        case DBusTypeCode.string: return .string(text(&iterator))
        case DBusTypeCode.objectPath: return .objectPath(DBusObjectPath(unchecked: text(&iterator)))
        case DBusTypeCode.signature: return .signature(try DBusSignature(text(&iterator)))
        case DBusTypeCode.variant:
            var inner = DBusMessageIter()
            dbus_message_iter_recurse(&iterator, &inner)
            return .variant(try read(&inner))
        case DBusTypeCode.structure:
            var inner = DBusMessageIter()
            dbus_message_iter_recurse(&iterator, &inner)
            var fields: [DBusValue] = []
            while dbus_message_iter_get_arg_type(&inner) != DBusTypeCode.invalid {
                fields.append(try read(&inner))
                dbus_message_iter_next(&inner)
            }
            return .structure(fields)
        case DBusTypeCode.array:
            return try readArray(&iterator)
        case DBusTypeCode.unixFD:
            // libdbus hands out a duplicate that the reader owns.
            let fd = basic(&iterator, Int32(-1))
            guard fd >= 0 else { throw DBusError(.invalidArgs, "A file descriptor (type h) could not be received") }
            return .unixFD(DBusFileDescriptor(owning: fd))
        default:
            throw DBusError(.invalidArgs, "Unsupported D-Bus type code \(code)")
        }
    }

    private static func readArray(_ iterator: inout DBusMessageIter) throws(DBusError) -> DBusValue {
        guard let raw = dbus_message_iter_get_signature(&iterator) else {
            throw DBusError(.noMemory, "Cannot read an array signature")
        }
        let text = String(cString: raw)
        dbus_free(raw)
        guard let type = try DBusSignature(text).types.first else {
            throw DBusError(.invalidSignature, "Empty array signature")
        }
        var inner = DBusMessageIter()
        dbus_message_iter_recurse(&iterator, &inner)
        switch type {
        case .dictionary(let keyType, let valueType):
            var entries: [DBusValue: DBusValue] = [:]
            while dbus_message_iter_get_arg_type(&inner) == DBusTypeCode.dictEntry {
                var entry = DBusMessageIter()
                dbus_message_iter_recurse(&inner, &entry)
                let key = try read(&entry)
                dbus_message_iter_next(&entry)
                entries[key] = try read(&entry)
                dbus_message_iter_next(&inner)
            }
            return .dictionary(key: keyType, value: valueType, entries)
        case .array(let element):
            var values: [DBusValue] = []
            while dbus_message_iter_get_arg_type(&inner) != DBusTypeCode.invalid {
                values.append(try read(&inner))
                dbus_message_iter_next(&inner)
            }
            return .array(element: element, values)
        default:
            throw DBusError(.invalidSignature, "Array signature \(text) is not an array")
        }
    }

    private static func basic<T>(_ iterator: inout DBusMessageIter, _ initial: T) -> T {
        var value = initial
        withUnsafeMutablePointer(to: &value) { dbus_message_iter_get_basic(&iterator, $0) }
        return value
    }

    private static func text(_ iterator: inout DBusMessageIter) -> String {
        var pointer: UnsafePointer<CChar>?
        dbus_message_iter_get_basic(&iterator, &pointer)
        return pointer.map { String(cString: $0) } ?? ""
    }
}

/// Writes ``DBusValue``s into a `DBusMessageIter` (libdbus' variadic `dbus_message_append_args` is unavailable).
enum MessageWriter {
    static func append(_ value: DBusValue, to iterator: inout DBusMessageIter) throws(DBusError) {
        switch value {
        case .byte(let v): try basic(&iterator, DBusTypeCode.byte, v)
        case .boolean(let v): try basic(&iterator, DBusTypeCode.boolean, dbus_bool_t(v ? 1 : 0))
        case .int16(let v): try basic(&iterator, DBusTypeCode.int16, v)
        case .uint16(let v): try basic(&iterator, DBusTypeCode.uint16, v)
        case .int32(let v): try basic(&iterator, DBusTypeCode.int32, v)
        case .uint32(let v): try basic(&iterator, DBusTypeCode.uint32, v)
        case .int64(let v): try basic(&iterator, DBusTypeCode.int64, v)
        case .uint64(let v): try basic(&iterator, DBusTypeCode.uint64, v)
        case .double(let v): try basic(&iterator, DBusTypeCode.double, v)
        case .string(let v):
            guard !v.utf8.contains(0) else { throw .invalidArgs("Strings sent on D-Bus cannot contain NUL characters") }
            try text(&iterator, DBusTypeCode.string, v)
        case .objectPath(let v):
            guard DBusObjectPath.isValid(v.rawValue) else { throw .invalidArgs("\"\(v)\" is not a valid object path") }
            try text(&iterator, DBusTypeCode.objectPath, v.rawValue)
        case .signature(let v):
            try text(&iterator, DBusTypeCode.signature, v.text)
        case .variant(let inner):
            try container(&iterator, DBusTypeCode.variant, inner.type.signature) { (sub) throws(DBusError) in
                try append(inner, to: &sub)
            }
        case .structure(let fields):
            try container(&iterator, DBusTypeCode.structure, nil) { (sub) throws(DBusError) in
                for field in fields { try append(field, to: &sub) }
            }
        case .unixFD:
            throw DBusError(.notSupported, "Sending Unix file descriptors (type h) is not supported")
        case .array(let element, let values):
            try container(&iterator, DBusTypeCode.array, element.signature) { (sub) throws(DBusError) in
                for element in values { try append(element, to: &sub) }
            }
        case .dictionary(let keyType, let valueType, let entries):
            let entrySignature = "{" + keyType.signature + valueType.signature + "}"
            try container(&iterator, DBusTypeCode.array, entrySignature) { (sub) throws(DBusError) in
                for (key, entryValue) in entries {
                    try container(&sub, DBusTypeCode.dictEntry, nil) { (entry) throws(DBusError) in
                        try append(key, to: &entry)
                        try append(entryValue, to: &entry)
                    }
                }
            }
        }
    }

    private static func basic<T>(_ iterator: inout DBusMessageIter, _ code: Int32, _ value: T) throws(DBusError) {
        var copy = value
        let ok = withUnsafePointer(to: &copy) { dbus_message_iter_append_basic(&iterator, code, $0) }
        guard ok != 0 else { throw DBusError(.noMemory, "Cannot append a value of type code \(code)") }
    }

    private static func text(_ iterator: inout DBusMessageIter, _ code: Int32, _ value: String) throws(DBusError) {
        let ok = value.withCString { characters in
            var pointer: UnsafePointer<CChar>? = characters
            return dbus_message_iter_append_basic(&iterator, code, &pointer)
        }
        guard ok != 0 else { throw .invalidArgs("libdbus rejected the string value \"\(value)\"") }
    }

    private static func container(
        _ iterator: inout DBusMessageIter, _ code: Int32, _ signature: String?,
        _ body: (inout DBusMessageIter) throws(DBusError) -> Void
    ) throws(DBusError) {
        var sub = DBusMessageIter()
        let opened: dbus_bool_t = if let signature {
            signature.withCString { dbus_message_iter_open_container(&iterator, code, $0, &sub) }
        } else {
            dbus_message_iter_open_container(&iterator, code, nil, &sub)
        }
        guard opened != 0 else { throw DBusError(.noMemory, "Cannot open a container of type code \(code)") }
        do {
            try body(&sub)
        } catch {
            dbus_message_iter_abandon_container(&iterator, &sub)
            throw error
        }
        guard dbus_message_iter_close_container(&iterator, &sub) != 0 else {
            throw DBusError(.noMemory, "Cannot close a container of type code \(code)")
        }
    }
}
