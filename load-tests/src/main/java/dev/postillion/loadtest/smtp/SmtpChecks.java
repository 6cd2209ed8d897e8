package dev.postillion.loadtest.smtp;

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
 * Gatling checks on an {@link SmtpReply}, with Gatling's own check DSL ({@code is}, {@code in},
 * {@code saveAs}, {@code optional}...), and what a list of them decides about one reply.
 */
final class SmtpChecks {

    private static final CheckMaterializer<SmtpCheckType, Check<SmtpReply>, SmtpReply, SmtpReply> MATERIALIZER =
            new CheckMaterializer<>(check -> check) {
                @Override
                public scala.Function1<SmtpReply, Validation<SmtpReply>> preparer() {
                    return Success::apply;
                }
            };

    private final List<Check<SmtpReply>> checks;
    private final boolean checksReplyCode;

    private SmtpChecks(List<Check<SmtpReply>> checks, boolean checksReplyCode) {
        this.checks = checks;
        this.checksReplyCode = checksReplyCode;
    }

    static final SmtpChecks NONE = new SmtpChecks(List.of(), false);

    /** A check of the reply code: {@code replyCode().is(250)}. */
    static CheckBuilder.Find<Integer> replyCode() {
        return find("replyCode", SmtpCheckType.REPLY_CODE, Integer.class, reply -> Optional.of(reply.code()));
    }

    /** A check of the enhanced status code (RFC 3463), absent if the server gave none. */
    static CheckBuilder.Find<String> enhancedStatus() {
        return find("enhancedStatus", SmtpCheckType.REPLY, String.class,
                reply -> Optional.of(reply.enhancedStatus()).filter(status -> !status.isEmpty()));
    }

    /** A check of the reply's text, its lines joined by newlines, without codes. */
    static CheckBuilder.Find<String> replyText() {
        return find("replyText", SmtpCheckType.REPLY, String.class, reply -> Optional.of(reply.text()));
    }

    /** The queue id of "queued as ID", absent if the reply has none. */
    static CheckBuilder.Find<String> queuedAs() {
        return find("queuedAs", SmtpCheckType.REPLY, String.class, SmtpReply::queuedAs);
    }

    private static <X> CheckBuilder.Find<X> find(String name, SmtpCheckType type, Class<X> valueClass,
            Function<SmtpReply, Optional<X>> extract) {
        var extractor = new FindExtractor<SmtpReply, X>(name,
                reply -> Success.apply(Option.apply(extract.apply(reply).orElse(null))));
        // Scala's CheckBuilder.Find.Default, a class in an object, which Java can only name by its binary name
        var scalaFind = new io.gatling.core.check.CheckBuilder$Find$Default<SmtpCheckType, SmtpReply, X>(
                session -> Success.apply(extractor), true);
        return new CheckBuilder.Find.Default<>(scalaFind, type, valueClass, null);
    }

    /** The checks of a request's DSL; only SMTP checks apply to an SMTP reply. */
    @SuppressWarnings("unchecked")
    static SmtpChecks of(List<CheckBuilder> builders) {
        List<Check<SmtpReply>> checks = new ArrayList<>(builders.size());
        boolean checksReplyCode = false;
        for (CheckBuilder builder : builders) {
            if (!(builder.type() instanceof SmtpCheckType type)) {
                throw new IllegalArgumentException("an SMTP request takes SMTP checks (replyCode(), enhancedStatus(), "
                        + "replyText(), queuedAs()), not " + builder.type());
            }
            checksReplyCode |= type == SmtpCheckType.REPLY_CODE;
            var scala = (io.gatling.core.check.CheckBuilder<SmtpCheckType, SmtpReply>) builder.asScala();
            checks.add(scala.build(MATERIALIZER));
        }
        return new SmtpChecks(List.copyOf(checks), checksReplyCode);
    }

    SmtpChecks and(List<CheckBuilder> more) {
        SmtpChecks added = of(more);
        List<Check<SmtpReply>> all = new ArrayList<>(checks);
        all.addAll(added.checks);
        return new SmtpChecks(List.copyOf(all), checksReplyCode || added.checksReplyCode);
    }

    /**
     * Runs the checks on {@code reply}: the session with what they saved, and why the reply
     * fails them, if it does. Without a check of the reply code, a reply other than 2xx fails.
     */
    Verdict verdict(SmtpReply reply, Session user) {
        Tuple2<Session, Option<Failure>> checked =
                Check$.MODULE$.check(reply, user, CollectionConverters.asScala(checks).toList());
        if (checked._2().isDefined()) {
            return new Verdict(checked._1(), reply + " (" + checked._2().get().message() + ")");
        }
        if (!checksReplyCode && !reply.isPositiveCompletion()) {
            return new Verdict(checked._1(), reply.toString());
        }
        return new Verdict(checked._1(), null);
    }

    /**
     * @param user the session with what the checks saved
     * @param failure what the report shows for a KO, null for OK
     */
    record Verdict(Session user, String failure) {
        boolean ok() {
            return failure == null;
        }
    }
}
