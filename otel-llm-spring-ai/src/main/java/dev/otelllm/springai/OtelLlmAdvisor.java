package dev.otelllm.springai;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Objects;
import java.util.function.Consumer;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * A Spring AI {@code ChatClient} advisor that tells the spans of its calls what the call's advisor
 * params say, and hands each streamed chunk to the span of its round. It records nothing itself:
 * every model call, through a {@code ChatClient} or on a bare {@code ChatModel}, becomes one {@code
 * chat {model}} span through {@link OtelLlmObservationHandler}; this advisor only adds to it.
 *
 * <p>Per call, through advisor params: {@link #SESSION_ID} (else Spring AI's chat-memory {@code
 * chat_memory_conversation_id}, else the caller's session baggage) becomes {@code session.id} and
 * {@code gen_ai.conversation.id}, so {@code getTraces(TraceQuery.session(id))} finds the
 * conversation; {@link #STEP_TYPE}, {@link #ATTEMPT_NUMBER} and the entries of a {@link #METADATA}
 * map become {@code otel_llm.metadata.*} attributes:
 *
 * <pre>{@code
 * chatClient.prompt().user("Plan a day in Boston")
 *     .advisors(OtelLlmAdvisor.step("trip-42", "plan", 1))
 *     .call().content();
 * }</pre>
 *
 * <p>The handler reads these params from the {@code ChatClient}'s own observation when there is
 * one, so they reach the tool spans and every round of a streamed tool loop too. The advisor makes
 * them current around the model call as well, which is what a {@code ChatClient} built without an
 * {@code ObservationRegistry} still has. Its order is just before Spring AI's model-calling
 * advisor, after the tool-calling and memory advisors, so it sees each round's chunks; where a
 * streamed round completes, fails or is cancelled, it ends the round's span, before the caller sees
 * the completion (Spring AI stops the model's observation only afterwards).
 *
 * <p>Stateless between calls and thread-safe; one instance serves every client. It never throws
 * into Spring AI.
 */
public final class OtelLlmAdvisor implements CallAdvisor, StreamAdvisor {

  /** Advisor param: the session id of the call (a string). */
  public static final String SESSION_ID = "otel_llm.session_id";

  /** Advisor param: the step type of the call ({@code otel_llm.metadata.step_type}). */
  public static final String STEP_TYPE = "otel_llm.step_type";

  /** Advisor param: the attempt number of the call ({@code otel_llm.metadata.attempt_number}). */
  public static final String ATTEMPT_NUMBER = "otel_llm.attempt_number";

  /** Advisor param: a {@code Map<String, ?>} of further metadata ({@code otel_llm.metadata.*}). */
  public static final String METADATA = "otel_llm.metadata";

  /** Just before Spring AI's model-calling advisor ({@code Ordered.LOWEST_PRECEDENCE}). */
  public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 1;

  private final int order;

  private OtelLlmAdvisor(int order) {
    this.order = order;
  }

  /** An advisor with the {@link #DEFAULT_ORDER}. */
  public static OtelLlmAdvisor create() {
    return new OtelLlmAdvisor(DEFAULT_ORDER);
  }

  /** An advisor with the given order (the default is {@link #DEFAULT_ORDER}). */
  public static OtelLlmAdvisor withOrder(int order) {
    return new OtelLlmAdvisor(order);
  }

  /** Advisor params naming the call's session. */
  public static Consumer<ChatClient.AdvisorSpec> session(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    return spec -> spec.param(SESSION_ID, sessionId);
  }

  /** Advisor params naming the call's session, step type and attempt number. */
  public static Consumer<ChatClient.AdvisorSpec> step(
      String sessionId, String stepType, int attemptNumber) {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(stepType, "stepType");
    return spec ->
        spec.param(SESSION_ID, sessionId)
            .param(STEP_TYPE, stepType)
            .param(ATTEMPT_NUMBER, attemptNumber);
  }

  @Override
  public String getName() {
    return "otel-llm";
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    try (Scope ignored = advised(request).makeCurrent()) {
      return chain.nextCall(request);
    }
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(
      ChatClientRequest request, StreamAdvisorChain chain) {
    return Flux.defer(
        () -> {
          ChunkRelay relay = new ChunkRelay();
          Context context = relay.storeIn(advised(request));
          Flux<ChatClientResponse> inner = chain.nextStream(request);
          // The model's observation starts when its flux is subscribed: subscribing within the
          // advised context lets the handler find the relay and the params there.
          Flux<ChatClientResponse> subscribed =
              Flux.from(
                  subscriber -> {
                    try (Scope ignored = context.makeCurrent()) {
                      inner.subscribe(subscriber);
                    }
                  });
          return subscribed
              .doOnNext(relay::onChunk)
              .doOnComplete(relay::complete)
              .doOnError(relay::fail)
              .doOnCancel(relay::cancel);
        });
  }

  private static Context advised(ChatClientRequest request) {
    try {
      return AdvisedCall.of(Context.current(), request.context());
    } catch (RuntimeException e) {
      // Params this advisor cannot read leave the call as it is.
      return Context.current();
    }
  }
}
