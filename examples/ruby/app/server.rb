require "sinatra/base"

class Server < Sinatra::Base
  get("/") { "hello" }
end
