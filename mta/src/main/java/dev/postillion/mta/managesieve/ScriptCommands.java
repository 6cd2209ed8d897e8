package dev.postillion.mta.managesieve;

import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.AddressSieve;
import dev.postillion.mailbox.DirectoryException;
import dev.postillion.mailbox.SieveScriptException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The authenticated state's commands (RFC 5804 sections 2.5 to 2.12) on the user's scripts, kept
 * by {@link AddressSieve} as the admin API's are. Refusals carry the response codes of section
 * 1.3: NONEXISTENT, ALREADYEXISTS, ACTIVE, QUOTA/MAXSCRIPTS, QUOTA/MAXSIZE; a script with an
 * error is refused naming line, column and problem.
 */
final class ScriptCommands {

    /** How many arguments each command takes. */
    private static final Map<String, Integer> ARGUMENTS = Map.of("HAVESPACE", 2, "PUTSCRIPT", 2, "CHECKSCRIPT", 1,
            "LISTSCRIPTS", 0, "SETACTIVE", 1, "GETSCRIPT", 1, "DELETESCRIPT", 1, "RENAMESCRIPT", 2);

    private final ManageSieveSession session;
    private final AddressSieve sieve;
    private final EmailAddress user;

    ScriptCommands(ManageSieveSession session, AddressSieve sieve, EmailAddress user) {
        this.session = session;
        this.sieve = sieve;
        this.user = user;
    }

    void run(ManageSieveCommand command) {
        List<String> args = command.arguments();
        if (args.size() != ARGUMENTS.get(command.name())) {
            session.reply("NO \"" + command.name() + " takes " + ARGUMENTS.get(command.name()) + " arguments\"");
            return;
        }
        switch (command.name()) {
            case "HAVESPACE" -> haveSpace(args.get(0), args.get(1));
            case "PUTSCRIPT" -> answer(sieve.put(user, args.get(0), args.get(1)), created -> "OK");
            case "CHECKSCRIPT" -> answer(sieve.check(args.get(0)), checked -> "OK");
            case "LISTSCRIPTS" -> answer(sieve.list(user), ScriptCommands::listing);
            case "SETACTIVE" -> answer(args.get(0).isEmpty() ? sieve.deactivate(user)
                    : sieve.activate(user, args.get(0)), active -> "OK");
            case "GETSCRIPT" -> answer(sieve.text(user, args.get(0)),
                    text -> ManageSieveStrings.literal(text) + "\r\nOK");
            case "DELETESCRIPT" -> answer(sieve.delete(user, args.get(0), false), deleted -> "OK");
            default -> answer(sieve.rename(user, args.get(0), args.get(1)), renamed -> "OK");
        }
    }

    /** RFC 5804 section 2.5: whether a script of that name and size could be stored now. */
    private void haveSpace(String name, String size) {
        long octets;
        try {
            octets = Long.parseLong(size);
        } catch (NumberFormatException e) {
            session.reply("NO \"HAVESPACE needs the script's size in octets\"");
            return;
        }
        answer(sieve.checkSpace(user, name, octets), space -> "OK");
    }

    /** RFC 5804 section 2.7: each name as a string, ACTIVE after the active one, then OK. */
    private static String listing(List<AddressSieve.Script> scripts) {
        StringBuilder lines = new StringBuilder();
        for (AddressSieve.Script script : scripts) {
            lines.append(ManageSieveStrings.string(script.name())).append(script.active() ? " ACTIVE" : "")
                    .append("\r\n");
        }
        return lines.append("OK").toString();
    }

    /** Answers with {@code ok}'s response, or with the refusal's NO; another failure is the session's. */
    private <T> void answer(CompletionStage<T> result, Function<T, String> ok) {
        session.await(result.handle((value, failure) -> {
            if (failure == null) {
                return ok.apply(value);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof SieveScriptException refused) {
                String code = refused.code().text();
                return "NO " + (code.isEmpty() ? "" : "(" + code + ") ") + ManageSieveStrings.string(cause.getMessage());
            }
            if (cause instanceof DirectoryException refused) {
                return "NO " + ManageSieveStrings.string(refused.getMessage());
            }
            throw failure instanceof CompletionException completion ? completion : new CompletionException(cause);
        }), session::reply);
    }
}
