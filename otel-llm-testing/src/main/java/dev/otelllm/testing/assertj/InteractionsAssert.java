package dev.otelllm.testing.assertj;

import dev.otelllm.trace.Interaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/** Fluent assertions on interactions, oldest first. Selections return a new assertion. */
public final class InteractionsAssert
    extends AbstractAssert<InteractionsAssert, List<Interaction>> {

  private final String selection;

  InteractionsAssert(List<Interaction> actual) {
    this(actual, "the interactions");
  }

  private InteractionsAssert(List<Interaction> actual, String selection) {
    super(actual == null ? null : List.copyOf(actual), InteractionsAssert.class);
    this.selection = selection;
  }

  public InteractionsAssert hasSize(int expected) {
    isNotNull();
    if (actual.size() != expected) {
      failWithMessage(
          "Expected %s to be %d but were %d: %s",
          selection, expected, actual.size(), steps(actual));
    }
    return this;
  }

  public InteractionsAssert isEmpty() {
    return hasSize(0);
  }

  /** The interactions of this session. */
  public InteractionsAssert ofSession(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    isNotNull();
    return new InteractionsAssert(
        actual.stream().filter(t -> t.sessionId().equals(sessionId)).toList(),
        "the interactions of session " + sessionId);
  }

  /** The interactions whose {@code step_type} metadata is {@code stepType}. */
  public InteractionsAssert withStepType(String stepType) {
    Objects.requireNonNull(stepType, "stepType");
    isNotNull();
    return new InteractionsAssert(
        actual.stream().filter(t -> stepType.equals(t.metadata().get("step_type"))).toList(),
        selection + " with step type " + stepType);
  }

  /** Their {@code step_type} metadata, in order, is exactly these. */
  public InteractionsAssert hasStepTypes(String... stepTypes) {
    isNotNull();
    List<Object> expected = List.of((Object[]) stepTypes);
    List<Object> steps = steps(actual);
    if (!steps.equals(expected)) {
      failWithMessage(
          "Expected the step types of %s to be %s but were %s", selection, expected, steps);
    }
    return this;
  }

  /** None of them failed. */
  public InteractionsAssert haveNoErrors() {
    isNotNull();
    for (Interaction t : actual) {
      if (t.failed()) {
        failWithMessage(
            "Expected %s to have no errors but span %s failed: %s",
            selection, t.spanId(), t.error().orElseThrow());
      }
    }
    return this;
  }

  /** The newest of them. */
  public InteractionAssert last() {
    isNotNull();
    if (actual.isEmpty()) {
      failWithMessage("Expected %s to have a last one but there were none", selection);
    }
    return new InteractionAssert(actual.get(actual.size() - 1));
  }

  /** The newest interaction of this session. */
  public InteractionAssert lastOfSession(String sessionId) {
    return ofSession(sessionId).last();
  }

  private static List<Object> steps(List<Interaction> traces) {
    List<Object> out = new ArrayList<>(traces.size());
    for (Interaction t : traces) {
      out.add(t.metadata().get("step_type"));
    }
    return out;
  }
}
