package dev.postillion.mta.mailimport;

/** Why an import could not go on, in words the operator and the user read as they are. */
final class ImportFailure extends Exception {

    ImportFailure(String reason) {
        super(reason, null, false, false);
    }
}
