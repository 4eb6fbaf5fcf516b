package io.kprobelab.kprobes.events;

/**
 * The kprobe_events parser errors that the kernel logs in {@code error_log} (the {@code ERRORS}
 * table of {@code kernel/trace/trace_probe.h}), with the messages verbatim, typos included, since
 * users search for them. Uprobe-, eprobe- and BTF-only codes are left out except
 * {@link #NOSUP_BTFARG}, which a kernel without BTF argument support reports.
 */
public enum ProbeEventError {
    BAD_MAXACT_TYPE("Maxactive is only for function exit"),
    BAD_MAXACT("Invalid maxactive number"),
    MAXACT_TOO_BIG("Maxactive is too big"),
    BAD_PROBE_ADDR("Invalid probed address or symbol"),
    NON_UNIQ_SYMBOL("The symbol is not unique"),
    BAD_RETPROBE("Retprobe address must be an function entry"),
    BAD_ADDR_SUFFIX("Invalid probed address suffix"),
    NO_GROUP_NAME("Group name is not specified"),
    GROUP_TOO_LONG("Group name is too long"),
    BAD_GROUP_NAME("Group name must follow the same rules as C identifiers"),
    NO_EVENT_NAME("Event name is not specified"),
    EVENT_TOO_LONG("Event name is too long"),
    BAD_EVENT_NAME("Event name must follow the same rules as C identifiers"),
    EVENT_EXIST("Given group/event name is already used by another event"),
    RETVAL_ON_PROBE("$retval is not available on probe"),
    BAD_STACK_NUM("Invalid stack number"),
    BAD_ARG_NUM("Invalid argument number"),
    BAD_VAR("Invalid $-valiable specified"),
    BAD_REG_NAME("Invalid register name"),
    BAD_MEM_ADDR("Invalid memory address"),
    BAD_IMM("Invalid immediate value"),
    IMMSTR_NO_CLOSE("String is not closed with '\"'"),
    FILE_ON_KPROBE("File offset is not available with kprobe"),
    TOO_MANY_OPS("Dereference is too much nested"),
    DEREF_NEED_BRACE("Dereference needs a brace"),
    BAD_DEREF_OFFS("Invalid dereference offset"),
    DEREF_OPEN_BRACE("Dereference brace is not closed"),
    COMM_CANT_DEREF("$comm can not be dereferenced"),
    BAD_FETCH_ARG("Invalid fetch argument"),
    ARRAY_NO_CLOSE("Array is not closed"),
    BAD_ARRAY_SUFFIX("Array has wrong suffix"),
    BAD_ARRAY_NUM("Invalid array size"),
    ARRAY_TOO_BIG("Array number is too big"),
    BAD_TYPE("Unknown type is specified"),
    BAD_STRING("String accepts only memory argument"),
    BAD_SYMSTRING("Symbol String doesn't accept data/userdata"),
    BAD_BITFIELD("Invalid bitfield"),
    ARG_NAME_TOO_LONG("Argument name is too long"),
    NO_ARG_NAME("Argument name is not specified"),
    BAD_ARG_NAME("Argument name must follow the same rules as C identifiers"),
    USED_ARG_NAME("This argument name is already used"),
    ARG_TOO_LONG("Argument expression is too long"),
    NO_ARG_BODY("No argument expression"),
    BAD_INSN_BNDRY("Probe point is not an instruction boundary"),
    FAIL_REG_PROBE("Failed to register probe event"),
    DIFF_PROBE_TYPE("Probe type is different from existing probe"),
    DIFF_ARG_TYPE("Argument type or name is different from existing probe"),
    SAME_PROBE("There is already the exact same probe event"),
    NOSUP_BTFARG("BTF is not available or not supported"),
    NOFENTRY_ARGS("$arg* can be used only on function entry or exit"),
    DOUBLE_ARGS("$arg* can be used only once in the parameters"),
    NEED_STRING_TYPE("$comm and immediate-string only accepts string type"),
    TOO_MANY_ARGS("Too many arguments are specified");

    private final String message;

    ProbeEventError(String message) {
        this.message = message;
    }

    /** The kernel's message, verbatim. */
    public String message() {
        return message;
    }
}
