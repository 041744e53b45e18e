import CPipeWire

extension Dictionary where Key == String, Value == String {
    /// The entries of a `spa_dict` (PipeWire properties); empty for NULL. Not for the realtime thread.
    init(spaDictionary dictionary: UnsafePointer<spa_dict>?) {
        self.init()
        guard let dictionary, let items = dictionary.pointee.items else { return }
        for index in 0..<Int(dictionary.pointee.n_items) {
            let item = items[index]
            guard let key = item.key, let value = item.value else { continue }
            self[String(cString: key)] = String(cString: value)
        }
    }
}
