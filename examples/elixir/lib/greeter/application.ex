defmodule Greeter.Application do
  use Application

  @impl true
  def start(_type, _args) do
    IO.puts(Jason.encode!(%{greeting: Application.fetch_env!(:greeter, :greeting)}))
    Supervisor.start_link([], strategy: :one_for_one, name: Greeter.Supervisor)
  end
end
