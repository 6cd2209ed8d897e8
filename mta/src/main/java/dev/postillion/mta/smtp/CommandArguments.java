package dev.postillion.mta.smtp;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The arguments of MAIL and RCPT (RFC 5321 section 4.1.1.2 and 4.1.1.3): the address, and the
 * parameters of the extensions the EHLO reply announced. Each check names the first refusal.
 */
final class CommandArguments {

    private final BigInteger maxMessageSize;

    CommandArguments(long maxMessageSize) {
        this.maxMessageSize = BigInteger.valueOf(maxMessageSize);
    }

    /**
     * MAIL parameters of the extensions we announce: SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8
     * (RFC 6531), RET and ENVID (RFC 3461).
     *
     * @param esmtp the session began with EHLO; after HELO no extension was offered
     */
    Optional<Reply> mailParameterProblem(Map<String, String> parameters, boolean esmtp) {
        return firstProblem(parameters, esmtp, (keyword, value) -> switch (keyword) {
            case "SIZE" -> sizeProblem(value);
            case "BODY" -> value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME")
                    ? Optional.empty() : Optional.of(Replies.badParameterValue("BODY=" + value));
            case "SMTPUTF8" -> value.isEmpty()
                    ? Optional.empty() : Optional.of(Replies.badParameterValue("SMTPUTF8=" + value));
            case "RET", "ENVID" -> dsnProblem(keyword, value);
            default -> Optional.of(Replies.unsupportedParameter(keyword));
        });
    }

    /** RCPT parameters of the extensions we announce: NOTIFY and ORCPT (RFC 3461). */
    static Optional<Reply> rcptParameterProblem(Map<String, String> parameters, boolean esmtp) {
        return firstProblem(parameters, esmtp, (keyword, value) -> DsnParameters.isRcptParameter(keyword)
                ? dsnProblem(keyword, value) : Optional.of(Replies.unsupportedParameter(keyword)));
    }

    /** The address's syntax, and SMTPUTF8 for a non-ASCII one (RFC 6531 section 3.4). */
    static Optional<Reply> addressProblem(String path, boolean smtputf8, Reply syntaxError) {
        try {
            EmailAddress parsed = EmailAddress.parse(path, true);
            if (!smtputf8 && !parsed.isAscii()) {
                return Optional.of(Replies.NEED_SMTPUTF8);
            }
            return Optional.empty();
        } catch (AddressSyntaxException e) {
            return Optional.of(Reply.of(syntaxError.code(), syntaxError.enhanced(),
                    syntaxError.lines().get(0) + ": " + e.getMessage()));
        }
    }

    /**
     * The first refusal among a command's parameters. Parameters belong to the extensions listed
     * in the EHLO reply: a session that began with HELO was offered none.
     */
    private static Optional<Reply> firstProblem(Map<String, String> parameters, boolean esmtp,
            BiFunction<String, String, Optional<Reply>> check) {
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            Optional<Reply> refused = esmtp ? check.apply(parameter.getKey(), parameter.getValue())
                    : Optional.of(Replies.unsupportedParameter(parameter.getKey()));
            if (refused.isPresent()) {
                return refused;
            }
        }
        return Optional.empty();
    }

    private Optional<Reply> sizeProblem(String value) {
        // RFC 1870: size-value = 1*20DIGIT
        if (!value.matches("[0-9]{1,20}")) {
            return Optional.of(Replies.badParameterValue("SIZE=" + value));
        }
        return new BigInteger(value).compareTo(maxMessageSize) > 0 ? Optional.of(Replies.MESSAGE_TOO_BIG)
                : Optional.empty();
    }

    private static Optional<Reply> dsnProblem(String keyword, String value) {
        return DsnParameters.problem(keyword, value).map(problem -> Replies.badParameter(keyword, problem));
    }
}
