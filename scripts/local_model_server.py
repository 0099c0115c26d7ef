"""llama-cpp-python's OpenAI-compatible server, ending each streamed chat completion with a usage chunk.

llama.cpp's own server, OpenAI, vLLM and Ollama end a stream with a usage chunk (`choices: []`, `usage:
{prompt_tokens, completion_tokens, total_tokens}`) when the request asks `stream_options.include_usage`, as
AgentWire's `openai` provider always does; llama-cpp-python's server sends none. This launcher wraps two
methods of `llama_cpp.Llama` so that a streamed chat completion ends with that chunk: the prompt tokens
are the ones the model evaluated (what `Llama.generate` was given), the completion tokens the ones it
streamed. Everything else is the stock server: the arguments are those of `python -m llama_cpp.server`.
"""

from __future__ import annotations

import runpy
import threading

import llama_cpp

_generate = llama_cpp.Llama.generate
_create_chat_completion = llama_cpp.Llama.create_chat_completion
_prompt_tokens = threading.local()


def generate(self, tokens, *args, **kwargs):
    _prompt_tokens.count = len(tokens)
    return (yield from _generate(self, tokens, *args, **kwargs))


def create_chat_completion(self, *args, **kwargs):
    result = _create_chat_completion(self, *args, **kwargs)
    if not kwargs.get("stream"):
        return result
    return _with_usage(result)


def _with_usage(chunks):
    _prompt_tokens.count = 0
    completion = 0
    last = None
    for chunk in chunks:
        last = chunk
        choices = chunk.get("choices") or []
        if choices and (choices[0].get("delta") or {}).get("content"):
            completion += 1
        yield chunk
    if last is not None:
        prompt = getattr(_prompt_tokens, "count", 0)
        yield {
            "id": last.get("id"),
            "object": "chat.completion.chunk",
            "created": last.get("created"),
            "model": last.get("model"),
            "choices": [],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
        }


llama_cpp.Llama.generate = generate
llama_cpp.Llama.create_chat_completion = create_chat_completion

if __name__ == "__main__":
    runpy.run_module("llama_cpp.server", run_name="__main__")
