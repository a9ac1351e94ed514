import type { ChatHistoryItem } from "node-llama-cpp";
import type { ChatTurn } from "./openai-request.js";

/**
 * OpenAI messages as node-llama-cpp's chat history, ending with the empty model turn the answer goes
 * into, so the chat wrapper renders the prompt up to where the model starts speaking.
 */
export function chatHistory(messages: readonly ChatTurn[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message) => {
    if (message.role === "assistant") return { type: "model", response: [message.content] };
    return { type: message.role, text: message.content };
  });
  history.push({ type: "model", response: [] });
  return history;
}
