package io.shiftrec.serve;

/** Runs a server in a process of its own, for the kill -9 test: prints its port, then serves until killed. */
public final class ServerProcess {
  private ServerProcess() {}

  public static void main(String[] args) throws Exception {
    ServeConfig config = new ServeConfig(args[0], "127.0.0.1", 0, args[1], false,
        ServeConfig.DEFAULT_MAX_REQUEST_BYTES);
    ShiftRecServer server = ShiftRecServer.start(config);
    System.out.println("port " + server.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
