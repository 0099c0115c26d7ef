import JSONCore

extension NativeProtocol {
    /// Shared schemas: the parts of an ad hoc workflow (`coordinator/*`).
    static let schemasWorkflows: [(name: String, schema: Schema)] = [
        (
            "OnError",
            Schema(
                json: #"""
                    {
                      "title": "OnError",
                      "description": "What a failing agent call does to a workflow: `fail` cancels the other calls and fails the run with that step's error; `continue` records the failure in `branches` and goes on with what succeeded.",
                      "type": "string",
                      "enum": [
                        "fail",
                        "continue"
                      ],
                      "default": "fail"
                    }
                    """#
            )
        ),
        (
            "Template",
            Schema(
                json: #"""
                    {
                      "title": "Template",
                      "description": "Text with placeholders: `{{input}}` is the workflow input, `{{previous}}` the previous step's output (in a parallel task, the workflow input too). Spaces inside the braces are ignored; any other placeholder, or a `{{` without `}}`, is refused.",
                      "type": "string",
                      "pattern": "^(?:[^{]|\\{(?!\\{)|\\{\\{ *(?:i *n *p *u *t|p *r *e *v *i *o *u *s) *\\}\\})*$",
                      "examples": [
                        "reviewed: {{previous}}",
                        "Question: {{input}}\nDraft: {{previous}}"
                      ]
                    }
                    """#
            )
        ),
        (
            "AgentRef",
            Schema(
                json: #"""
                    {
                      "title": "AgentRef",
                      "description": "An agent named in a workflow. Other members are ignored.",
                      "type": "object",
                      "required": [
                        "agent"
                      ],
                      "properties": {
                        "agent": {
                          "$ref": "#/components/schemas/AgentName"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "SequentialStep",
            Schema(
                json: #"""
                    {
                      "title": "SequentialStep",
                      "description": "One step of a sequential workflow. Other members are refused.",
                      "type": "object",
                      "additionalProperties": false,
                      "required": [
                        "agent"
                      ],
                      "properties": {
                        "agent": {
                          "$ref": "#/components/schemas/AgentName"
                        },
                        "transform": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Template"
                            }
                          ],
                          "description": "The step's input. Default: the previous step's output (the workflow input for the first step)."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "ParallelTask",
            Schema(
                json: #"""
                    {
                      "title": "ParallelTask",
                      "description": "One task of a parallel workflow. Other members are refused.",
                      "type": "object",
                      "additionalProperties": false,
                      "required": [
                        "agent"
                      ],
                      "properties": {
                        "agent": {
                          "$ref": "#/components/schemas/AgentName"
                        },
                        "input": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Template"
                            }
                          ],
                          "description": "The task's input. Default: the workflow input."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "Aggregate",
            Schema(
                json: #"""
                    {
                      "title": "Aggregate",
                      "description": "How the outputs of the branches that completed become one output, in branch order: `concat` joins them with a blank line; `list` makes a numbered list, one line per branch (`1. output`); `{\"agent\": NAME}` gives their concatenation to that agent (run as the last step) and its output is the result.",
                      "default": "concat",
                      "oneOf": [
                        {
                          "type": "string",
                          "enum": [
                            "concat",
                            "list"
                          ]
                        },
                        {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/AgentRef"
                            }
                          ],
                          "description": "An aggregator agent."
                        }
                      ]
                    }
                    """#
            )
        ),
    ]
}
