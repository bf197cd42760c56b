import Config

config :greeter, greeting: "hello"

import_config "#{config_env()}.exs"
