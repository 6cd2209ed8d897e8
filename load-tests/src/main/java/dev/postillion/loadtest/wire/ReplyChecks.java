package dev.postillion.loadtest.wire;

import io.gatling.commons.validation.Failure;
import io.gatling.commons.validation.Success;
import io.gatling.commons.validation.Validation;
import io.gatling.core.check.Check;
import io.gatling.core.check.Check$;
import io.gatling.core.check.CheckMaterializer;
import io.gatling.core.check.FindExtractor;
import io.gatling.core.session.Session;
import io.gatling.javaapi.core.CheckBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Gatling checks on a protocol's {@link Reply}, with Gatling's own check DSL ({@code is}, {@code
 * in}, {@code saveAs}, {@code optional}...), and what a list of them decides about one reply.
 * A protocol names its kinds of check in an enum of its own, so that one protocol's checks are
 * refused on another's requests; one of them, the status check, replaces the default check that
 * the reply is {@link Reply#positive()}, as a status check does in Gatling's HTTP protocol.
 *
 * @param <R> the protocol's reply
 */
public final class ReplyChecks<R extends Reply> {

    private final List<Check<R>> checks;
    private final boolean checksStatus;

    private ReplyChecks(List<Check<R>> checks, boolean checksStatus) {
        this.checks = checks;
        this.checksStatus = checksStatus;
    }

    /** No check but the default one: the reply is positive. */
    public static <R extends Reply> ReplyChecks<R> none() {
        return new ReplyChecks<>(List.of(), false);
    }

    /** A check of what {@code extract} finds in a reply, absent when it finds nothing. */
    public static <R extends Reply, X> CheckBuilder.Find<X> find(String name, CheckBuilder.CheckType type,
            Class<X> valueClass, Function<R, Optional<X>> extract) {
        var extractor = new FindExtractor<R, X>(name,
                reply -> Success.apply(Option.apply(extract.apply(reply).orElse(null))));
        // Scala's CheckBuilder.Find.Default, a class in an object, which Java can only name by its binary name
        var scalaFind = new io.gatling.core.check.CheckBuilder$Find$Default<CheckBuilder.CheckType, R, X>(
                session -> Success.apply(extractor), true);
        return new CheckBuilder.Find.Default<>(scalaFind, type, valueClass, null);
    }

    /**
     * The checks of a request's DSL, each of which must be of the protocol's {@code kinds};
     * {@code status} is the kind that replaces the default check.
     */
    @SuppressWarnings("unchecked")
    public static <R extends Reply, K extends Enum<K> & CheckBuilder.CheckType> ReplyChecks<R> of(
            List<CheckBuilder> builders, Class<K> kinds, K status) {
        List<Check<R>> checks = new ArrayList<>(builders.size());
        boolean checksStatus = false;
        for (CheckBuilder builder : builders) {
            if (!kinds.isInstance(builder.type())) {
                throw new IllegalArgumentException("a request of this protocol takes its own checks ("
                        + kinds.getSimpleName() + "), not " + builder.type());
            }
            checksStatus |= builder.type() == status;
            var scala = (io.gatling.core.check.CheckBuilder<CheckBuilder.CheckType, R>) builder.asScala();
            checks.add(scala.build(new CheckMaterializer<CheckBuilder.CheckType, Check<R>, R, R>(check -> check) {
                @Override
                public scala.Function1<R, Validation<R>> preparer() {
                    return Success::apply;
                }
            }));
        }
        return new ReplyChecks<>(List.copyOf(checks), checksStatus);
    }

    /** These checks and {@code more}. */
    public ReplyChecks<R> and(ReplyChecks<R> more) {
        List<Check<R>> all = new ArrayList<>(checks);
        all.addAll(more.checks);
        return new ReplyChecks<>(List.copyOf(all), checksStatus || more.checksStatus);
    }

    /**
     * Runs the checks on {@code reply}: the session with what they saved, and why the reply
     * fails them, if it does. Without a status check, a reply that is not positive fails.
     */
    public Verdict verdict(R reply, Session user) {
        Tuple2<Session, Option<Failure>> checked =
                Check$.MODULE$.check(reply, user, CollectionConverters.asScala(checks).toList());
        if (checked._2().isDefined()) {
            return new Verdict(checked._1(), reply + " (" + checked._2().get().message() + ")");
        }
        if (!checksStatus && !reply.positive()) {
            return new Verdict(checked._1(), reply.toString());
        }
        return new Verdict(checked._1(), null);
    }

    /**
     * @param user the session with what the checks saved
     * @param failure what the report shows for a KO, null for OK
     */
    public record Verdict(Session user, String failure) {
        public boolean ok() {
            return failure == null;
        }
    }
}
