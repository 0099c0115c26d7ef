import JSONCore

extension ConfigParser {
    /// The `pricing` section: a ``ModelPrice`` per model name.
    static func parsePricing(_ value: JSONValue, path: String) throws(FieldError) -> Pricing {
        guard case .object(let object) = value else {
            throw .expected(path, "an object of prices by model name", got: value)
        }
        var pricing = Pricing()
        for (model, price) in object.members {
            let pricePath = "\(path).\(model)"
            guard case .object(let members) = price else { throw .expected(pricePath, "an object", got: price) }
            try onlyKeys(members, ConfigSchema.members(of: "modelPrice"), path: pricePath)
            guard let input = try dollars(members, "inputPerMillion", path: pricePath),
                let output = try dollars(members, "outputPerMillion", path: pricePath)
            else {
                let missing = members["inputPerMillion"] == nil ? "inputPerMillion" : "outputPerMillion"
                throw .expected("\(pricePath).\(missing)", "a price in USD per million tokens", got: nil)
            }
            pricing.models[model] = ModelPrice(
                inputPerMillion: input,
                outputPerMillion: output,
                cachedInputPerMillion: try dollars(members, "cachedInputPerMillion", path: pricePath)
            )
        }
        return pricing
    }

    /// A budget object (`limits.budget` in config, `budget` in a request), every member checked.
    public static func parseBudget(_ value: JSONValue, path: String) throws(FieldError) -> Budget {
        guard case .object(let object) = value else { throw .expected(path, "an object", got: value) }
        try onlyKeys(object, ConfigSchema.members(of: "budget"), path: path)
        return Budget(
            maxCost: try dollars(object, "maxCostUsd", path: path),
            maxOutputTokens: try optionalInt(object, "maxOutputTokens", path: path, range: 1...Int64(Int32.max)),
            maxModelCalls: try optionalInt(object, "maxModelCalls", path: path, range: 1...1_000_000)
        )
    }

    /// An output schema (an agent's or workflow's `outputSchema`, a request's): a JSON Schema the
    /// validator can use, or the first problem in it, at its path inside the schema.
    public static func parseOutputSchema(_ value: JSONValue, path: String) throws(FieldError) -> JSONValue {
        if let problem = SchemaValidator.problems(inSchema: value).first {
            let inner = problem.path == "$" ? "" : String(problem.path.dropFirst())
            throw FieldError(path: path + inner, message: "not a usable JSON Schema: \(problem.message)")
        }
        return value
    }

    /// An amount of US dollars at `object[key]`: a number, not negative, at most nine decimal places.
    static func dollars(_ object: JSONObject, _ key: String, path: String) throws(FieldError) -> USD? {
        guard let value = object[key] else { return nil }
        guard value.boolValue == nil, let number = value.doubleValue, let amount = USD(number) else {
            let expected = "an amount of US dollars (a number from 0, at most nine decimal places)"
            guard value.doubleValue != nil else { throw .expected("\(path).\(key)", expected, got: value) }
            throw FieldError(path: "\(path).\(key)", message: "expected \(expected), got \(value.jsonString)")
        }
        return amount
    }
}
