package dev.otelllm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Part;
import dev.otelllm.Usage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeterministicLlmProviderTest {

  @Test
  void echo_answersThePromptWithCountedTokensAndStableIds() {
    DeterministicLlmProvider model = DeterministicLlmProvider.echo("m");

    LlmResponse r = model.generate(LlmRequest.of("abcdefgh"));

    assertThat(r.content()).isEqualTo("echo: abcdefgh");
    assertThat(r.finishReason()).contains("stop");
    // One token per four characters, rounded up: 8 sent, 14 answered.
    assertThat(r.usage()).contains(Usage.of(2, 4));
    assertThat(r.responseId()).contains("det-1");
    assertThat(model.info().providerName()).isEqualTo(DeterministicLlmProvider.PROVIDER_NAME);
    assertThat(model.info().model()).isEqualTo("m");
    assertThat(model.callCount()).isEqualTo(1);
  }

  @Test
  void script_playsItsStepsInOrder_thenSaysItIsExhausted() {
    IllegalArgumentException refused = new IllegalArgumentException("429");
    DeterministicLlmProvider model =
        DeterministicLlmProvider.builder("m")
            .answer("first")
            .toolCall(new Part.ToolCall("call_1", "lookup", Map.of("q", "x")))
            .fail(refused)
            .answer(req -> LlmResponse.builder().content("saw " + req.prompt()).build())
            .fixedUsage(Usage.of(10, 20))
            .build();

    assertThat(model.generate(LlmRequest.of("a")).content()).isEqualTo("first");
    LlmResponse call = model.generate(LlmRequest.of("b"));
    assertThat(call.toolCalls()).extracting(Part.ToolCall::name).containsExactly("lookup");
    assertThat(call.finishReason()).contains("tool_call");
    assertThat(call.rawFinishReason()).contains("tool_calls");
    assertThatThrownBy(() -> model.generate(LlmRequest.of("c"))).isSameAs(refused);
    LlmResponse last = model.generate(LlmRequest.of("d"));
    assertThat(last.content()).isEqualTo("saw d");
    assertThat(last.usage()).contains(Usage.of(10, 20));
    assertThatThrownBy(() -> model.generate(LlmRequest.of("e")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("script exhausted: 4 answers scripted, call 5");
    assertThat(model.callCount()).isEqualTo(5);
  }

  @Test
  void repeatLast_keepsAnsweringWithTheLastStep() {
    DeterministicLlmProvider model =
        DeterministicLlmProvider.builder("m").answer("once").answer("again").repeatLast().build();

    model.generate(LlmRequest.of("1"));
    model.generate(LlmRequest.of("2"));

    assertThat(model.generate(LlmRequest.of("3")).content()).isEqualTo("again");
  }

  @Test
  void blankModel_isRefusedByName() {
    assertThatThrownBy(() -> DeterministicLlmProvider.builder(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model must not be blank");
  }
}
