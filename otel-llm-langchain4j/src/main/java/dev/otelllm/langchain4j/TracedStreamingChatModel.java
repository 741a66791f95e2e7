package dev.otelllm.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A streaming model whose every call carries a {@link StreamReport} in its listener attributes and
 * reports each chunk to it before the caller's handler sees it. When the wrapped model already has
 * the listener, the call goes to the wrapped model as it is; otherwise LangChain4j's own {@link
 * StreamingChatModel#chat} calls the listeners (the wrapped model's and this one) around the
 * wrapped model's {@link #doChat}.
 */
final class TracedStreamingChatModel implements StreamingChatModel {
  private final StreamingChatModel delegate;
  private final OtelLlmListener listener;
  private final boolean attached;
  private final List<ChatModelListener> listeners;

  TracedStreamingChatModel(
      StreamingChatModel delegate, OtelLlmListener listener, boolean listenerAttached) {
    this.delegate = delegate;
    this.listener = listener;
    this.attached = listenerAttached;
    List<ChatModelListener> all = new ArrayList<>(delegate.listeners());
    if (!listenerAttached) {
      all.add(listener);
    }
    this.listeners = List.copyOf(all);
  }

  OtelLlmListener listener() {
    return listener;
  }

  @Override
  public void chat(
      ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
    StreamReport report = new StreamReport(listener);
    Map<Object, Object> attributes = new LinkedHashMap<>();
    if (options != null) {
      attributes.putAll(options.listenerAttributes());
    }
    attributes.put(OtelLlmListener.STREAM_REPORT, report);
    ChatRequestOptions reported =
        ChatRequestOptions.builder().listenerAttributes(attributes).build();
    StreamingChatResponseHandler reporting = new ReportingHandler(handler, report);
    if (attached) {
      delegate.chat(request, reported, reporting);
    } else {
      StreamingChatModel.super.chat(request, reported, reporting);
    }
  }

  @Override
  public void doChat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
    delegate.doChat(chatRequest, handler);
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
    return "TracedStreamingChatModel{" + delegate + "}";
  }

  /** Reports each chunk, then hands it on unchanged, whichever of the two forms the model uses. */
  private static final class ReportingHandler implements StreamingChatResponseHandler {
    private final StreamingChatResponseHandler next;
    private final StreamReport report;

    ReportingHandler(StreamingChatResponseHandler next, StreamReport report) {
      this.next = next;
      this.report = report;
    }

    @Override
    public void onPartialResponse(String partialResponse) {
      report.text(partialResponse);
      next.onPartialResponse(partialResponse);
    }

    @Override
    public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
      report.text(partialResponse == null ? null : partialResponse.text());
      next.onPartialResponse(partialResponse, context);
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking) {
      report.chunk();
      next.onPartialThinking(partialThinking);
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
      report.chunk();
      next.onPartialThinking(partialThinking, context);
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall) {
      report.chunk();
      next.onPartialToolCall(partialToolCall);
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
      report.chunk();
      next.onPartialToolCall(partialToolCall, context);
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall completeToolCall) {
      report.chunk();
      next.onCompleteToolCall(completeToolCall);
    }

    @Override
    public void onUnmappedRawEvent(Object rawEvent) {
      // A server event LangChain4j does not map (OpenAI's first chunk, which carries only the
      // role): a chunk all the same.
      report.chunk();
      next.onUnmappedRawEvent(rawEvent);
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
      next.onCompleteResponse(completeResponse);
    }

    @Override
    public void onError(Throwable error) {
      next.onError(error);
    }
  }
}
