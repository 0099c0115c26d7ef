import JSONCore

extension NativeProtocol {
    /// Shared schemas: the params of the run notifications.
    static let schemasNotifications: [(name: String, schema: Schema)] = [
        (
            "RunStartedParams",
            RunStartedNotification.Params.objectSchema(
                title: "RunStartedParams",
                description:
                    #"Params of the `run/started` notification: `agent` for agent runs and session turns, `workflow` and `strategy` for workflow runs."#,
                extra: Schema(
                    json: #"""
                        {
                          "oneOf": [
                            {
                              "required": [
                                "agent"
                              ],
                              "not": {
                                "anyOf": [
                                  {
                                    "required": [
                                      "workflow"
                                    ]
                                  },
                                  {
                                    "required": [
                                      "strategy"
                                    ]
                                  }
                                ]
                              }
                            },
                            {
                              "required": [
                                "workflow",
                                "strategy"
                              ],
                              "not": {
                                "required": [
                                  "agent"
                                ]
                              }
                            }
                          ]
                        }
                        """#
                ).json.objectValue ?? [:]
            )
        ),
        (
            "RunStepParams",
            RunStepNotification.Params.objectSchema(
                title: "RunStepParams",
                description:
                    #"Params of the `run/step` notification. `durationMs` is present when `status` is not `started`; `error` when it is `failed`; `strategy` in workflow runs; `parentStepId` for a workflow's agent calls."#,
                extra: Schema(
                    json: #"""
                        {
                          "allOf": [
                            {
                              "if": {
                                "properties": {
                                  "status": {
                                    "enum": [
                                      "completed",
                                      "failed",
                                      "cancelled"
                                    ]
                                  }
                                },
                                "required": [
                                  "status"
                                ]
                              },
                              "then": {
                                "required": [
                                  "durationMs"
                                ]
                              }
                            },
                            {
                              "if": {
                                "properties": {
                                  "status": {
                                    "const": "failed"
                                  }
                                },
                                "required": [
                                  "status"
                                ]
                              },
                              "then": {
                                "required": [
                                  "error"
                                ]
                              }
                            }
                          ]
                        }
                        """#
                ).json.objectValue ?? [:]
            )
        ),
        (
            "RunTokenParams",
            RunTokenNotification.Params.objectSchema(
                title: "RunTokenParams",
                description: #"Params of the `run/token` notification, sent in this member order."#
            )
        ),
        (
            "RunThinkingParams",
            RunThinkingNotification.Params.objectSchema(
                title: "RunThinkingParams",
                description: #"Params of the `run/thinking` notification, sent in this member order."#
            )
        ),
        (
            "RunProgressParams",
            RunProgressNotification.Params.objectSchema(
                title: "RunProgressParams",
                description: #"Params of the `run/progress` notification."#
            )
        ),
        (
            "RunHeartbeatParams",
            RunHeartbeatNotification.Params.objectSchema(
                title: "RunHeartbeatParams",
                description: #"Params of the `run/heartbeat` notification."#
            )
        ),
    ]
}
