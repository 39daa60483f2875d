package twin.supervisor;

/** Opens REPL sessions in a twin: the local supervisor, or a detached one through its socket. */
@FunctionalInterface
public interface SessionOpener {
  /** {@code kind} says who the session is for (console, eval, init, ...), for logs and ps. */
  TwinSession openSession(String kind, SessionListener listener);
}
