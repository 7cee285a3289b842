package com.example.shop;

public record OrderConfirmation(String orderId) {}
