package dev.postillion.loadtest.wire;

import io.gatling.commons.validation.Failure;
import io.gatling.commons.validation.Success;
import io.gatling.commons.validation.Validation;
import io.gatling.core.session.Session;
import io.gatling.javaapi.core.internal.Expressions;
import scala.Function1;

/**
 * A setting given as a Gatling Expression Language string, such as {@code "#{sender}"}, resolved
 * for each virtual user from its session (a feeder's columns, saved values).
 */
public final class SessionValue<T> {

    private final Function1<Session, Validation<T>> expression;

    private SessionValue(Function1<Session, Validation<T>> expression) {
        this.expression = expression;
    }

    public static SessionValue<String> el(String expressionLanguage) {
        return new SessionValue<>(Expressions.toStringExpression(expressionLanguage));
    }

    /** A value that may be a list (a JSON feeder's array) as well as a single one. */
    public static SessionValue<Object> elAny(String expressionLanguage) {
        return new SessionValue<>(Expressions.toAnyExpression(expressionLanguage));
    }

    public static SessionValue<Integer> elInt(String expressionLanguage) {
        Function1<Session, Validation<Object>> any = Expressions.toAnyExpression(expressionLanguage);
        return new SessionValue<>(session -> any.apply(session).flatMap(SessionValue::toInteger));
    }

    public static <T> SessionValue<T> constant(T value) {
        return new SessionValue<>(session -> Success.apply(value));
    }

    /** @throws Unresolved with Gatling's reason, e.g. that an attribute is missing */
    public T resolve(Session session) {
        Validation<T> value = expression.apply(session);
        if (value instanceof Failure failure) {
            throw new Unresolved(failure.message());
        }
        return ((Success<T>) value).value();
    }

    private static Validation<Integer> toInteger(Object value) {
        if (value instanceof Number number) {
            return Success.apply(number.intValue());
        }
        try {
            return Success.apply(Integer.parseInt(String.valueOf(value).strip()));
        } catch (NumberFormatException notANumber) {
            return failure("not a whole number: " + value);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Validation<T> failure(String message) {
        return (Validation<T>) (Validation<?>) Failure.apply(message);
    }

    /** A value that could not be resolved for this user: the request cannot be built. */
    public static final class Unresolved extends RuntimeException {
        Unresolved(String reason) {
            super(reason, null, false, false);
        }
    }
}
