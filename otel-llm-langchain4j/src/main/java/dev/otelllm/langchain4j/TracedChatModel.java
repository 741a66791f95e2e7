package dev.otelllm.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A model with one more listener: LangChain4j's own {@link ChatModel#chat} calls the listeners
 * around this model's {@link #doChat}, which is the wrapped model's.
 */
final class TracedChatModel implements ChatModel {
  private final ChatModel delegate;
  private final List<ChatModelListener> listeners;

  TracedChatModel(ChatModel delegate, OtelLlmListener listener) {
    this.delegate = delegate;
    List<ChatModelListener> all = new ArrayList<>(delegate.listeners());
    all.add(listener);
    this.listeners = List.copyOf(all);
  }

  @Override
  public ChatResponse doChat(ChatRequest chatRequest) {
    return delegate.doChat(chatRequest);
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return delegate.defaultRequestParameters();
  }

  @Override
  public List<ChatModelListener> listeners() {
    return listeners;
  }

  @Override
  public ModelProvider provider() {
    return delegate.provider();
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return delegate.supportedCapabilities();
  }

  @Override
  public String toString() {
    return "TracedChatModel{" + delegate + "}";
  }
}
