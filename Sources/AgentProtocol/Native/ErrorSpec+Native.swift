import JSONCore
import JSONRPC

extension ErrorSpec {
    /// Every error of the native protocol, in the document's order.
    public static let native: [ErrorSpec] = [
        .parseError, .invalidRequest, .methodNotFound, .invalidParams, .internalError, .requestCancelled, .notFound,
        .messageTooLarge, .shuttingDown, .sessionBusy, .timeout, .rateLimited, .overloaded, .providerFailure,
        .budgetExceeded, .outputMismatch,
    ]

    public static let parseError = ErrorSpec(
        "ParseError",
        code: .parseError,
        json: #"""
            {
              "code": -32700,
              "message": "Parse error",
              "data": {
                "detail": "invalid token near 'foobar' at byte 0"
              }
            }
            """#
    )
    public static let invalidRequest = ErrorSpec(
        "InvalidRequest",
        code: .invalidRequest,
        json: #"""
            {
              "code": -32600,
              "message": "Invalid Request",
              "data": {
                "detail": "an empty batch"
              }
            }
            """#
    )
    public static let methodNotFound = ErrorSpec(
        "MethodNotFound",
        code: .methodNotFound,
        json: #"""
            {
              "code": -32601,
              "message": "Method not found",
              "data": {
                "method": "agent/frobnicate"
              }
            }
            """#
    )
    public static let invalidParams = ErrorSpec(
        "InvalidParams",
        code: .invalidParams,
        json: #"""
            {
              "code": -32602,
              "message": "Invalid params",
              "data": {
                "field": "params.agent",
                "detail": "is required (a string)"
              }
            }
            """#
    )
    public static let internalError = ErrorSpec(
        "InternalError",
        code: .internalError,
        json: #"""
            {
              "code": -32603,
              "message": "Internal error",
              "data": {
                "detail": "unexpected state"
              }
            }
            """#
    )
    public static let requestCancelled = ErrorSpec(
        "RequestCancelled",
        code: .requestCancelled,
        json: #"""
            {
              "code": -32800,
              "message": "Request cancelled",
              "data": {
                "runId": "run_3f2a9c1e7b4d5a60",
                "partialOutput": "hello "
              }
            }
            """#
    )
    public static let notFound = ErrorSpec(
        "NotFound",
        code: .notFound,
        json: #"""
            {
              "code": -32001,
              "message": "Not found",
              "data": {
                "retryable": false,
                "suggestions": [
                  "Call agents/list to see the configured agents."
                ],
                "agent": "nope",
                "available": [
                  "echo",
                  "echo-slow",
                  "echo-thinking",
                  "echo-history"
                ]
              }
            }
            """#
    )
    public static let messageTooLarge = ErrorSpec(
        "MessageTooLarge",
        code: .messageTooLarge,
        json: #"""
            {
              "code": -32002,
              "message": "Message too large",
              "data": {
                "limit": 1048576,
                "size": 2000000
              }
            }
            """#
    )
    public static let shuttingDown = ErrorSpec(
        "ShuttingDown",
        code: .shuttingDown,
        json: #"""
            {
              "code": -32003,
              "message": "Shutting down"
            }
            """#
    )
    public static let sessionBusy = ErrorSpec(
        "SessionBusy",
        code: .sessionBusy,
        json: #"""
            {
              "code": -32004,
              "message": "Session busy",
              "data": {
                "retryable": true,
                "suggestions": [
                  "Wait for the current turn to finish, or cancel it, then prompt again."
                ],
                "sessionId": "ses_5b7e0c2a9d4f1e36"
              }
            }
            """#
    )
    public static let timeout = ErrorSpec(
        "Timeout",
        code: .timeout,
        json: #"""
            {
              "code": -32005,
              "message": "Timeout",
              "data": {
                "runId": "run_3f2a9c1e7b4d5a60",
                "retryable": true,
                "suggestions": [
                  "Retry with a larger timeoutMs.",
                  "Use a faster agent or a shorter input."
                ],
                "partialOutput": "hello agent "
              }
            }
            """#
    )
    public static let rateLimited = ErrorSpec(
        "RateLimited",
        code: .rateLimited,
        json: #"""
            {
              "code": -32006,
              "message": "Rate limited",
              "data": {
                "retryable": true,
                "suggestions": [
                  "Retry after retryAfterMs.",
                  "Raise limits.requestsPerMinute in the config."
                ],
                "limit": 60,
                "retryAfterMs": 1250
              }
            }
            """#
    )
    public static let overloaded = ErrorSpec(
        "Overloaded",
        code: .overloaded,
        json: #"""
            {
              "code": -32007,
              "message": "Overloaded",
              "data": {
                "retryable": true,
                "suggestions": [
                  "Retry when a run has finished.",
                  "Raise limits.maxConcurrentRuns in the config."
                ],
                "limit": 64
              }
            }
            """#
    )
    public static let providerFailure = ErrorSpec(
        "ProviderFailure",
        code: .providerFailure,
        json: #"""
            {
              "code": -32010,
              "message": "Provider failure",
              "data": {
                "runId": "run_3f2a9c1e7b4d5a60",
                "stepId": "1.2",
                "retryable": false,
                "suggestions": [
                  "Check the agent's provider settings.",
                  "Use onError \"continue\" to keep the other steps' results."
                ],
                "partialOutput": "draft"
              }
            }
            """#
    )
    public static let budgetExceeded = ErrorSpec(
        "BudgetExceeded",
        code: .budgetExceeded,
        json: #"""
            {
              "code": -32011,
              "message": "Budget exceeded",
              "data": {
                "runId": "run_3f2a9c1e7b4d5a60",
                "retryable": false,
                "suggestions": [
                  "Raise budget.maxOutputTokens in the request, or the agent's limits.budget."
                ],
                "partialOutput": "one two three",
                "budget": {
                  "maxOutputTokens": 3
                },
                "limit": "maxOutputTokens",
                "modelCalls": 1,
                "outputTokens": 3,
                "spentUsd": 0,
                "usage": {
                  "outputTokens": 3,
                  "modelCalls": 1,
                  "source": "counted"
                }
              }
            }
            """#
    )
    public static let outputMismatch = ErrorSpec(
        "OutputMismatch",
        code: .outputMismatch,
        json: #"""
            {
              "code": -32012,
              "message": "Output does not match schema",
              "data": {
                "runId": "run_3f2a9c1e7b4d5a60",
                "retryable": false,
                "suggestions": [
                  "Say in the agent's systemPrompt what JSON to answer with.",
                  "Check outputSchema: a model may not be able to meet it."
                ],
                "partialOutput": "{\"name\": \"Ada\"}",
                "errors": [
                  {
                    "path": "$.age",
                    "message": "required"
                  }
                ],
                "usage": {
                  "outputTokens": 3,
                  "modelCalls": 1,
                  "source": "counted"
                }
              }
            }
            """#
    )
}
